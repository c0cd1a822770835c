// Configuración: issuer invoice data (with logo), ARCA web services (key and CSR, certificate, test), points of sale,
// Mercado Pago. Each section is a function of its own; Mercado Pago's module loads with the screen, not the console.
import { api, newIdempotencyKey } from "../api.js";
import { download, field, h, options, replace } from "../dom.js";
import { date, formatCuit, timestamp } from "../format.js";
import { L } from "../i18n.js";
import { issuerIvaConditions, provinces } from "../labels.js";
import { session } from "../session.js";
import { alertBox, announce, busy, clearErrors, heading, showError, td, th } from "../ui.js";

const ok = (text) => h("div", { class: "alert alert-ok", role: "status" }, text);
const orNull = async (promise) => promise.catch((error) => (error.status === 404 ? null : Promise.reject(error)));

export const sections = [issuerSection, arcaSection, pointsOfSaleSection, mercadoPagoSection, webhooksSection];

export default {
  path: "/configuracion",
  nav: () => L("Configuración", "Setup"),
  title: () => L("Configuración", "Setup"),
  async render(main, { query }) {
    main.append(heading(L("Configuración de facturación", "Billing setup")),
      h("p", { class: "muted" }, L("¿Primera vez? Seguí la ", "First time? Follow the "),
        h("a", { href: "#/ayuda" }, L("guía de certificación de ARCA", "ARCA certification guide")), "."));
    for (const section of sections) main.append(await section());
    if (query.seccion) document.getElementById(query.seccion)?.scrollIntoView();
  },
};

async function issuerSection() {
  const issuer = await orNull(api("GET", "/v1/setup/issuer"));
  const a = issuer?.fiscal_address || {};
  const input = (name, value, extra = {}) => h("input", { name, value: value || "", ...extra });
  const legal = input("legal_name", issuer?.legal_name, { autocomplete: "organization" });
  const trade = input("trade_name", issuer?.trade_name);
  const iva = h("select", { name: "iva_condition" }, options(issuerIvaConditions(), issuer?.iva_condition || "responsable_inscripto"));
  const iibb = input("iibb_number", issuer?.iibb_number);
  const start = input("activity_start_date", issuer?.activity_start_date, { type: "date" });
  const street = input("street", a.street, { autocomplete: "street-address" });
  const city = input("city", a.city);
  const province = h("select", { name: "province" }, options(provinces(), a.province || "AR-C"));
  const postal = input("postal_code", a.postal_code, { autocomplete: "postal-code" });
  const logo = h("input", { type: "file", name: "logo", accept: "image/png,image/jpeg" });
  const box = alertBox();
  const done = h("div");
  const save = h("button", { type: "submit" }, L("Guardar datos del emisor", "Save issuer data"));
  const logoState = h("p", { class: "hint" }, issuer?.logo ? L("Hay un logo cargado.", "A logo is set.") : L("Sin logo.", "No logo."));
  const form = h("form", { class: "card", id: "emisor", novalidate: true },
    h("h2", null, L("Datos del emisor", "Issuer invoice data")),
    h("p", { class: "muted" }, L(`Lo que se imprime en tus comprobantes. CUIT ${formatCuit(session.account?.cuit)} (el de tu cuenta).`,
      `What your vouchers print. CUIT ${formatCuit(session.account?.cuit)} (your account's).`)),
    box,
    h("div", { class: "grid" },
      field(L("Razón social", "Legal name"), legal, { param: "legal_name" }),
      field(L("Nombre de fantasía", "Trade name"), trade, { param: "trade_name" }),
      field(L("Condición frente al IVA", "VAT condition"), iva, { param: "iva_condition" }),
      field(L("Ingresos Brutos (N°)", "Gross income number"), iibb, { param: "iibb_number" }),
      field(L("Inicio de actividades", "Start of activities"), start, { param: "activity_start_date" }),
      field(L("Domicilio fiscal", "Fiscal address"), street, { param: "fiscal_address.street" }),
      field(L("Localidad", "City"), city, { param: "fiscal_address.city" }),
      field(L("Provincia", "Province"), province, { param: "fiscal_address.province" }),
      field(L("Código postal", "Postal code"), postal, { param: "fiscal_address.postal_code" }),
      field(L("Logo (PNG o JPEG, hasta 1 MB)", "Logo (PNG or JPEG, up to 1 MB)"), logo, { param: "content_base64" })),
    logoState,
    h("div", { class: "actions" }, save), done);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(save, L("Guardando…", "Saving…"), async () => {
      clearErrors(form);
      replace(done);
      try {
        await api("PUT", "/v1/setup/issuer", {
          body: {
            legal_name: legal.value.trim(), trade_name: trade.value.trim() || null, iva_condition: iva.value,
            iibb_number: iibb.value.trim(), activity_start_date: start.value,
            fiscal_address: { street: street.value.trim(), city: city.value.trim(), province: province.value, postal_code: postal.value.trim() },
          },
        });
        if (logo.files[0]) {
          await api("PUT", "/v1/setup/issuer/logo", { body: { content_base64: await base64(logo.files[0]) } });
          logo.value = "";
          logoState.textContent = L("Hay un logo cargado.", "A logo is set.");
        }
        replace(done, ok(L("Datos del emisor guardados.", "Issuer data saved.")));
      } catch (error) {
        showError(form, error, box);
      }
    });
  });
  return form;
}

const base64 = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

async function arcaSection() {
  const environment = session.account?.livemode ? L("producción", "production") : L("homologación", "homologation");
  const certificateFacts = h("div");
  const showCertificate = (c) => replace(certificateFacts, c
    ? h("dl", { class: "facts", "aria-label": L("Certificado actual", "Current certificate") },
      h("dt", null, L("Sujeto", "Subject")), h("dd", { class: "mono" }, c.subject),
      h("dt", null, L("Emisor", "Issuer")), h("dd", { class: "mono" }, c.issuer),
      h("dt", null, L("Válido desde", "Valid from")), h("dd", null, timestamp(c.not_before)),
      h("dt", null, L("Vence", "Expires")), h("dd", null, timestamp(c.not_after)),
      h("dt", null, L("Huella SHA-256", "SHA-256 fingerprint")), h("dd", { class: "mono" }, c.fingerprint_sha256))
    : h("p", { class: "muted" }, L(`Todavía no hay certificado para ${environment}.`, `No certificate for ${environment} yet.`)));
  const [certificate, lastCsr] = await Promise.all([orNull(api("GET", "/v1/setup/certificate")), orNull(api("GET", "/v1/setup/certificate/csr"))]);
  showCertificate(certificate);

  // Step 1: the key stays on the server; the CSR is what ARCA signs.
  const alias = h("input", { name: "common_name", value: "facturacion" });
  const csrText = h("textarea", { rows: 6, readonly: true, name: "csr" }, lastCsr?.csr || "");
  const csrBox = alertBox();
  const generate = h("button", { type: "button" }, L("Generar clave y CSR", "Generate key and CSR"));
  const downloadCsr = h("button", { type: "button", class: "secondary", disabled: !lastCsr },
    L("Descargar CSR", "Download CSR"));
  const csrStep = h("div", { class: "step" },
    h("h3", null, L("1. Clave privada y pedido de certificado (CSR)", "1. Private key and certificate request (CSR)")),
    h("p", { class: "hint" }, L("La clave privada se genera y se guarda cifrada en el servidor: nunca se muestra ni se descarga.",
      "The private key is generated and kept encrypted on the server: it is never shown or downloaded.")),
    csrBox, h("div", { class: "grid" }, field(L("Alias del certificado (CN)", "Certificate alias (CN)"), alias, { param: "common_name" })),
    h("div", { class: "actions" }, generate, downloadCsr),
    field(L("CSR para pegar en ARCA", "CSR to paste into ARCA"), csrText));
  generate.addEventListener("click", () => busy(generate, L("Generando…", "Generating…"), async () => {
    clearErrors(csrStep);
    try {
      const csr = await api("POST", "/v1/setup/certificate/csr", { body: { common_name: alias.value.trim() || "facturacion" }, idempotencyKey: newIdempotencyKey() });
      csrText.value = csr.csr;
      downloadCsr.disabled = false;
      announce(L("CSR generado. Descargalo y subilo a ARCA.", "CSR generated. Download it and upload it to ARCA."));
    } catch (error) {
      showError(csrStep, error, csrBox);
    }
  }));
  downloadCsr.addEventListener("click", () => download(`${alias.value.trim() || "facturacion"}.csr`, csrText.value, "application/pkcs10"));

  // Step 2: the certificate ARCA issued (a file or pasted PEM); a key only if it was made elsewhere.
  const certFile = h("input", { type: "file", name: "certificate_file", accept: ".crt,.pem,.cer" });
  const certPem = h("textarea", { rows: 5, name: "certificate", placeholder: L("El certificado en PEM", "The certificate as PEM") });
  // The hint describes the field rather than showing PEM armour: no key-shaped text belongs in the repository.
  const keyPem = h("textarea", {
    rows: 4,
    name: "private_key",
    placeholder: L("La clave privada en PEM, si la generó fuera de aquí", "The private key as PEM, if made elsewhere"),
  });
  const keyPassword = h("input", { type: "password", name: "private_key_password", autocomplete: "off" });
  const uploadBox = alertBox();
  const upload = h("button", { type: "button" }, L("Subir certificado", "Upload certificate"));
  const uploaded = h("div");
  const uploadStep = h("div", { class: "step" },
    h("h3", null, L("2. Certificado emitido por ARCA", "2. The certificate ARCA issued")),
    uploadBox,
    h("div", { class: "grid" }, field(L("Archivo del certificado (.crt)", "Certificate file (.crt)"), certFile)),
    field(L("…o pegá el certificado (PEM)", "…or paste the certificate (PEM)"), certPem, { param: "certificate" }),
    h("details", null, h("summary", null, L("Tengo una clave privada generada en otro lado", "I have a private key made elsewhere")),
      field(L("Clave privada (PEM)", "Private key (PEM)"), keyPem, { param: "private_key" }),
      field(L("Contraseña de la clave", "Key password"), keyPassword, { param: "private_key_password" })),
    h("div", { class: "actions" }, upload), uploaded);
  upload.addEventListener("click", () => busy(upload, L("Subiendo…", "Uploading…"), async () => {
    clearErrors(uploadStep);
    replace(uploaded);
    try {
      const pem = certFile.files[0] ? await certFile.files[0].text() : certPem.value.trim();
      const saved = await api("PUT", "/v1/setup/certificate", {
        body: { certificate: pem, private_key: keyPem.value.trim() || null, private_key_password: keyPassword.value || null },
      });
      keyPem.value = keyPassword.value = certPem.value = certFile.value = "";
      showCertificate(saved);
      replace(uploaded, ok(L(`Certificado guardado. Vence el ${date(saved.not_after)}.`, `Certificate saved. It expires on ${date(saved.not_after)}.`)));
    } catch (error) {
      showError(uploadStep, error, uploadBox);
    }
  }));

  // Step 3: FEDummy and a WSAA login with the stored certificate.
  const testButton = h("button", { type: "button" }, L("Probar conexión", "Test the connection"));
  const testResult = h("div", { role: "status" });
  testButton.addEventListener("click", () => busy(testButton, L("Probando…", "Testing…"), async () => {
    replace(testResult);
    try {
      const s = await api("GET", "/v1/arca/status");
      const servers = `AppServer ${s.servers.app_server || "—"}, DbServer ${s.servers.db_server || "—"}, AuthServer ${s.servers.auth_server || "—"}`;
      replace(testResult, s.available && s.authentication.ok
        ? ok(L(`Conexión con ARCA (${environment}) correcta: servidores ${servers}; inicio de sesión WSAA correcto.`,
          `ARCA (${environment}) connection works: servers ${servers}; WSAA login works.`))
        : h("div", { class: "alert alert-error", role: "alert" },
          L(`ARCA respondió: servidores ${servers}. `, `ARCA answered: servers ${servers}. `),
          s.authentication.ok ? "" : L(`No se pudo iniciar sesión (${s.authentication.code || "—"}): ${s.authentication.message || ""}`,
            `Login failed (${s.authentication.code || "—"}): ${s.authentication.message || ""}`)));
    } catch (error) {
      replace(testResult, h("div", { class: "alert alert-error", role: "alert" }, `${error.message} (${error.code})`));
    }
  }));

  return h("section", { class: "card", id: "arca", "aria-labelledby": "arca-title" },
    h("h2", { id: "arca-title" }, "ARCA / AFIP Web Services"),
    h("p", { class: "muted" }, L(`Certificado para ${environment} (las claves sk_test_ usan homologación; sk_live_, producción).`,
      `Certificate for ${environment} (sk_test_ keys use homologation; sk_live_, production).`)),
    certificateFacts, csrStep, uploadStep,
    h("div", { class: "step" }, h("h3", null, L("3. Probar la conexión", "3. Test the connection")), h("div", { class: "actions" }, testButton), testResult));
}

async function pointsOfSaleSection() {
  const body = h("tbody");
  const box = alertBox();
  const number = h("input", { name: "number", inputmode: "numeric", size: 6 });
  const description = h("input", { name: "description" });
  const enabled = h("input", { type: "checkbox", name: "enabled_for_web_services", checked: true });
  const add = h("button", { type: "submit" }, L("Agregar punto de venta", "Add point of sale"));
  const draw = async () => {
    const list = await api("GET", "/v1/setup/points-of-sale");
    replace(body, list.data.map((p) => h("tr", null, td(String(p.number).padStart(5, "0")), td(p.description || "—"),
      td(p.enabled_for_web_services ? L("Sí (RECE / web services)", "Yes (RECE / web services)") : L("No", "No")))));
    if (!list.data.length) body.append(h("tr", null, h("td", { colspan: 3, class: "muted" }, L("Ninguno todavía.", "None yet."))));
  };
  const form = h("form", { class: "card", id: "puntos-de-venta", novalidate: true },
    h("h2", null, L("Punto de venta", "Point of sale")),
    h("p", { class: "muted" }, L("Dalo de alta en ARCA como «RECE para aplicativo y web services» y registralo acá con el mismo número.",
      "Create it in ARCA as 'RECE para aplicativo y web services' and register it here with the same number.")),
    h("div", { class: "table-wrap" }, h("table", null, h("thead", null, h("tr", null, th(L("Número", "Number")), th(L("Descripción", "Description")),
      th(L("Habilitado para web services", "Enabled for web services")))), body)),
    box,
    h("div", { class: "grid spaced" },
      field(L("Número de punto de venta", "Point of sale number"), number, { param: "number" }),
      field(L("Descripción", "Description"), description, { param: "description" }),
      field(L("Habilitado para web services", "Enabled for web services"), enabled, { param: "enabled_for_web_services", inline: true })),
    h("div", { class: "actions" }, add));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(add, L("Agregando…", "Adding…"), async () => {
      clearErrors(form);
      try {
        await api("POST", "/v1/setup/points-of-sale", {
          body: { number: Number(number.value) || number.value, description: description.value.trim() || null, enabled_for_web_services: enabled.checked },
          idempotencyKey: newIdempotencyKey(),
        });
        number.value = description.value = "";
        await draw();
        announce(L("Punto de venta agregado.", "Point of sale added."));
      } catch (error) {
        showError(form, error, box);
      }
    });
  });
  await draw();
  return form;
}

async function mercadoPagoSection() {
  let module;
  try {
    module = await import("./mercadopago-setup.js");
  } catch {
    return h("section", { class: "card", id: "mercado-pago" }, h("h2", null, L("Cobros con Mercado Pago", "Mercado Pago payments")),
      h("div", { class: "alert alert-error", role: "alert" }, L("No se pudo cargar esta sección. Revisá tu conexión y recargá la página.",
        "Could not load this section. Check your connection and reload the page.")));
  }
  return module.default();
}

/** Webhooks have their own screen (a list, a form, deliveries): here, what they are and the way there. */
function webhooksSection() {
  return h("section", { class: "card", id: "webhooks", "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title" }, "Webhooks"),
    h("p", null, L("Avisos firmados a tu sistema cuando ARCA autoriza o rechaza un comprobante, entra un cobro o corre la facturación mensual.",
      "Signed notices to your system when ARCA authorizes or rejects a voucher, a payment arrives or the monthly run happens.")),
    h("div", { class: "actions" }, h("a", { href: "#/configuracion/webhooks" }, L("Endpoints de webhooks", "Webhook endpoints"))));
}
