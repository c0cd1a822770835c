// Connect: the API key is checked with GET /v1/account, then kept for this tab only.
import { api } from "../api.js";
import { field, h } from "../dom.js";
import { L } from "../i18n.js";
import { session } from "../session.js";
import { alertBox, busy, showError } from "../ui.js";

export default {
  path: "/conectar",
  title: () => L("Conectar", "Connect"),
  render(main, { navigate, notice }) {
    const key = h("input", {
      type: "password", name: "api-key", autocomplete: "off", spellcheck: "false", required: true,
      placeholder: "sk_test_…", "data-param": "api_key",
    });
    const submit = h("button", { type: "submit" }, L("Conectar", "Connect"));
    const box = alertBox();
    const form = h("form", { class: "card narrow", novalidate: true },
      h("h1", { tabindex: "-1" }, L("Conectar", "Connect")),
      h("p", null, L("Ingresá tu clave de API para conectarte a la facturación y a los saldos de clientes.",
        "Enter your API key to connect to billing and customer balances.")),
      notice ? h("div", { class: "alert alert-info", role: "status" }, notice) : null,
      box,
      field(L("Clave de API", "API key"), key, {
        hint: L("Empieza con sk_test_ (pruebas, ARCA homologación) o sk_live_ (real, ARCA producción). Se guarda sólo en esta pestaña y se borra al cerrarla.",
          "Starts with sk_test_ (test, ARCA homologation) or sk_live_ (live, ARCA production). Kept in this tab only, gone when you close it."),
      }),
      h("div", { class: "actions" }, submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const secret = key.value.trim();
      if (!secret) {
        showError(form, { param: "api_key", message: L("Pegá la clave de API.", "Paste the API key.") });
        return;
      }
      await busy(submit, L("Conectando…", "Connecting…"), async () => {
        try {
          const account = await api("GET", "/v1/account", { key: secret });
          session.connect(secret, account);
          key.value = "";
          navigate("/facturacion");
        } catch (error) {
          const message = error.status === 401
            ? L("La clave de API no es válida: revisá que esté completa y que no haya sido revocada.",
              "The API key is not valid: check that it is complete and has not been revoked.")
            : error.message;
          showError(form, { param: "api_key", message, code: error.code });
        }
      });
    });
    main.append(form);
    key.focus();
  },
};
