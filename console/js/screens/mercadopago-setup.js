// Configuración → Mercado Pago (loaded when the setup screen opens, outside the first load): the connection of the
// key's mode. Token and webhook secret go to the API once and are never shown back nor kept in the browser.
import { api } from "../api.js";
import { field, h, replace } from "../dom.js";
import { timestamp } from "../format.js";
import { L } from "../i18n.js";
import { session } from "../session.js";
import { alertBox, announce, busy, clearErrors, confirmDialog, showError } from "../ui.js";

/** Copies a read-only field's text; without clipboard access the text is selected so Ctrl+C does it. */
function copyButton(control, label) {
  return h("button", { type: "button", class: "secondary", onclick: async () => {
    try {
      await navigator.clipboard.writeText(control.value);
      announce(L("Copiado.", "Copied."));
    } catch {
      control.select();
      announce(L("Texto seleccionado: copialo con Ctrl+C.", "Text selected: copy it with Ctrl+C."));
    }
  } }, label);
}

const backLabels = {
  success: () => L("Regreso si el pago se aprueba", "Back URL when approved"),
  pending: () => L("Regreso si queda pendiente", "Back URL when pending"),
  failure: () => L("Regreso si se rechaza", "Back URL when refused"),
};

const credentialsNeeded = () => (session.account?.livemode
  ? L("Modo real: usá las credenciales de producción de tu aplicación (APP_USR-…). Las de prueba se rechazan.",
    "Live mode: use your application's production credentials (APP_USR-…). Test ones are refused.")
  : L("Modo prueba: usá las credenciales de prueba de tu aplicación (TEST-…) o las de un usuario de prueba. Las de producción se rechazan.",
    "Test mode: use your application's test credentials (TEST-…) or a test user's. Production ones are refused."));

export default async function mercadoPagoSection() {
  const section = h("section", { class: "card", id: "mercado-pago", "aria-labelledby": "mercado-pago-title" });
  const draw = (setup) => replace(section,
    h("h2", { id: "mercado-pago-title" }, L("Cobros con Mercado Pago", "Mercado Pago payments")),
    // Not named "Ayuda…": the navigation's "Ayuda" stays the only link of that name on this screen.
    h("p", { class: "muted" }, L("Links de pago de Checkout Pro para tus facturas; los pagos aprobados se imputan solos. Paso a paso: la ",
      "Checkout Pro payment links for your invoices; approved payments are recorded by themselves. Step by step: the "),
    h("a", { href: "#/ayuda/mercado-pago" }, L("guía para configurar Mercado Pago", "Mercado Pago setup guide")), "."),
    setup ? connected(setup, draw) : null,
    connectForm(setup, draw));
  try {
    draw(await api("GET", "/v1/setup/mercadopago"));
  } catch (error) {
    if (error.status !== 404) {
      replace(section, h("h2", { id: "mercado-pago-title" }, L("Cobros con Mercado Pago", "Mercado Pago payments")),
        h("div", { class: "alert alert-error", role: "alert" }, error.message));
    } else draw(null);
  }
  return section;
}

function connected(setup, draw) {
  const url = h("input", { readonly: true, value: setup.webhook_url, class: "mono url-field", id: "mercadopago-webhook-url" });
  const returns = Object.entries(setup.back_urls || {}).filter(([, v]) => v);
  const disconnect = h("button", { type: "button", class: "danger" }, L("Desconectar Mercado Pago", "Disconnect Mercado Pago"));
  const box = alertBox();
  disconnect.addEventListener("click", async () => {
    const sure = await confirmDialog(L("¿Desconectar Mercado Pago?", "Disconnect Mercado Pago?"),
      L("Se borran el access token y el secreto de firma de este modo. Los links ya creados dejan de confirmarse solos hasta que vuelvas a conectar.",
        "The access token and signature secret of this mode are deleted. Links already made stop being confirmed by themselves until you connect again."),
      L("Desconectar", "Disconnect"));
    if (!sure) return;
    await busy(disconnect, L("Desconectando…", "Disconnecting…"), async () => {
      try {
        await api("DELETE", "/v1/setup/mercadopago");
        draw(null);
        announce(L("Mercado Pago desconectado.", "Mercado Pago disconnected."));
      } catch (error) {
        showError(box.parentElement, error, box);
      }
    });
  });
  return h("div", { class: "step" },
    h("div", { class: "alert alert-ok", role: "status" }, L(`Conectado a la cuenta ${setup.nickname} (${setup.account_id}).`,
      `Connected to account ${setup.nickname} (${setup.account_id}).`)),
    h("dl", { class: "facts", "aria-label": L("Conexión de Mercado Pago", "Mercado Pago connection") },
      h("dt", null, L("Cuenta (collector)", "Account (collector)")), h("dd", { class: "mono" }, setup.account_id),
      h("dt", null, L("Usuario", "Nickname")), h("dd", null, setup.nickname),
      h("dt", null, "Access token"), h("dd", { class: "mono" }, setup.access_token),
      h("dt", null, "Public key"), h("dd", { class: "mono" }, setup.public_key),
      h("dt", null, L("Link en cada factura autorizada", "A link on every authorized invoice")),
      h("dd", null, setup.auto_link ? L("Sí", "Yes") : L("No (se crean a pedido)", "No (made on request)")),
      returns.map(([name, value]) => [h("dt", null, backLabels[name]()), h("dd", { class: "mono" }, value)]),
      h("dt", null, L("Actualizado", "Updated")), h("dd", null, timestamp(setup.updated_at))),
    h("h3", null, L("URL de notificaciones para el panel de Mercado Pago", "Notification URL for Mercado Pago's panel")),
    h("p", { class: "hint" }, L("En tu aplicación: Webhooks → «Configurar notificaciones», evento «Pagos». Pegá esta URL:",
      "In your application: Webhooks → 'Configure notifications', event 'Payments'. Paste this URL:")),
    h("div", { class: "actions" },
      h("label", { for: "mercadopago-webhook-url", class: "visually-hidden" }, L("URL de notificaciones de Mercado Pago", "Mercado Pago notification URL")),
      url, copyButton(url, L("Copiar URL", "Copy URL"))),
    box,
    h("div", { class: "actions" }, disconnect));
}

function connectForm(setup, draw) {
  const secret = (name) => h("input", { type: "password", name, autocomplete: "off", spellcheck: "false" });
  const token = secret("access_token");
  const webhookSecret = secret("webhook_secret");
  const publicKey = h("input", { name: "public_key", value: setup?.public_key || "", autocomplete: "off", spellcheck: "false" });
  const back = (name) => h("input", { type: "url", name: `back_${name}`, value: setup?.back_urls?.[name] || "", placeholder: "https://" });
  const success = back("success");
  const pending = back("pending");
  const failure = back("failure");
  const autoLink = h("input", { type: "checkbox", name: "auto_link", checked: Boolean(setup?.auto_link) });
  const backUrls = h("details", { open: Boolean(backs(setup)) },
    h("summary", null, L("URLs de regreso (opcional)", "Back URLs (optional)")),
    h("p", { class: "hint" }, L("Adónde vuelve tu cliente después de pagar. No confirman el pago: eso lo hace la notificación.",
      "Where your customer returns after paying. They do not confirm the payment: the notification does.")),
    h("div", { class: "grid" },
      field(backLabels.success(), success, { param: "back_urls.success" }),
      field(backLabels.pending(), pending, { param: "back_urls.pending" }),
      field(backLabels.failure(), failure, { param: "back_urls.failure" })));
  const box = alertBox();
  const save = h("button", { type: "submit" }, setup ? L("Guardar cambios", "Save changes") : L("Conectar Mercado Pago", "Connect Mercado Pago"));
  const form = h("form", { class: "step", novalidate: true },
    h("h3", null, setup ? L("Cambiar credenciales o preferencias", "Change credentials or preferences") : L("Conectar tu cuenta", "Connect your account")),
    h("p", { class: "hint" }, credentialsNeeded(), " ",
      L("Están en tu aplicación, en «Credenciales». El token y el secreto se guardan cifrados en el servidor y no se vuelven a mostrar.",
        "They are in your application, under 'Credentials'. Token and secret are kept encrypted on the server and never shown again.")),
    box,
    h("div", { class: "grid" },
      field("Access token", token, { param: "access_token" }),
      field("Public key", publicKey, { param: "public_key" }),
      field(L("Clave secreta", "Secret signature"), webhookSecret, { param: "webhook_secret",
        hint: L("La de «Webhooks»: verifica cada notificación.", "The one under 'Webhooks': it verifies every notification.") })),
    backUrls,
    field(L("Crear un link de pago para cada factura que ARCA autorice", "Make a payment link for every invoice ARCA authorizes"),
      autoLink, { param: "auto_link", inline: true }),
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, L("Verificando con Mercado Pago…", "Checking with Mercado Pago…"), async () => {
      clearErrors(form);
      try {
        const saved = await api("PUT", "/v1/setup/mercadopago", {
          body: {
            access_token: token.value.trim(), public_key: publicKey.value.trim(), webhook_secret: webhookSecret.value.trim(),
            back_urls: { success: success.value.trim() || null, pending: pending.value.trim() || null, failure: failure.value.trim() || null },
            auto_link: autoLink.checked,
          },
        });
        token.value = webhookSecret.value = "";
        draw(saved);
        announce(L(`Mercado Pago conectado: ${saved.nickname}.`, `Mercado Pago connected: ${saved.nickname}.`));
      } catch (error) {
        if (error.param?.startsWith("back_urls")) backUrls.open = true; // a closed <details> cannot take the focus
        showError(form, error, box);
      }
    });
  });
  return setup ? h("details", { class: "spaced" }, h("summary", null, L("Cambiar la conexión", "Change the connection")), form) : form;
}

const backs = (setup) => Object.values(setup?.back_urls || {}).some(Boolean);
