// Creating a customer inline (from a picker): CUIT checked as it is typed, the API's 422s at their fields.
import { api, newIdempotencyKey } from "../api.js";
import { field, h, options } from "../dom.js";
import { cuitIsValid } from "../format.js";
import { L } from "../i18n.js";
import { documentTypes, ivaConditions } from "../labels.js";
import { alertBox, busy, clearErrors, showError } from "../ui.js";

/** A <details> with the new-customer fields; `created(customer)` gets the stored customer. */
export function newCustomerForm(created) {
  const name = h("input", { name: "name", autocomplete: "organization" });
  const documentType = h("select", { name: "document_type" }, options(documentTypes(), "CUIT"));
  const number = h("input", { name: "document_number", inputmode: "numeric", autocomplete: "off" });
  const iva = h("select", { name: "iva_condition" }, options(ivaConditions(), "responsable_inscripto"));
  const email = h("input", { type: "email", name: "email", autocomplete: "email" });
  const check = h("p", { class: "hint", role: "status" });
  const box = alertBox();
  const save = h("button", { type: "button", class: "secondary" }, L("Crear cliente", "Create customer"));
  let idempotencyKey = newIdempotencyKey();
  const panel = h("details", { class: "new-customer" },
    h("summary", null, L("Crear un cliente nuevo", "Create a new customer")),
    h("div", { class: "grid" },
      field(L("Razón social o nombre", "Legal name or name"), name, { param: "name" }),
      field(L("Tipo de documento", "Document type"), documentType, { param: "document_type" }),
      field(L("Número de documento", "Document number"), number, { param: "document_number" }),
      field(L("Condición frente al IVA", "VAT condition"), iva, { param: "iva_condition" }),
      field(L("Correo electrónico", "E-mail"), email, { param: "email" })),
    check, box, h("div", { class: "actions" }, save));
  number.addEventListener("input", () => {
    const digits = number.value.replace(/\D/g, "");
    const taxId = ["CUIT", "CUIL", "CDI"].includes(documentType.value);
    check.textContent = !taxId || digits.length < 11 ? ""
      : cuitIsValid(digits) ? L("✓ Dígito verificador correcto.", "✓ Check digit is right.")
        : L("✗ El dígito verificador no corresponde: revisá el número.", "✗ The check digit does not match: check the number.");
  });
  save.addEventListener("click", () => busy(save, L("Creando…", "Creating…"), async () => {
    clearErrors(panel);
    try {
      const customer = await api("POST", "/v1/customers", {
        idempotencyKey,
        body: {
          name: name.value.trim(), document_type: documentType.value,
          document_number: number.value.trim() || null, iva_condition: iva.value, email: email.value.trim() || null,
        },
      });
      idempotencyKey = newIdempotencyKey();
      for (const input of [name, number, email]) input.value = "";
      check.textContent = "";
      panel.open = false;
      created(customer);
    } catch (error) {
      showError(panel, error, box);
    }
  }));
  return panel;
}
