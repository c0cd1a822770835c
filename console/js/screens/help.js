// Get Certification Help: ARCA's seven steps, each linked to the screen that does it and to ARCA's own guides.
import { h } from "../dom.js";
import { L } from "../i18n.js";
import { heading } from "../ui.js";

const external = (href, text) => h("a", { href, target: "_blank", rel: "noopener noreferrer" }, `${text} ↗`);
const here = (href, text) => h("a", { href }, text);

export const ARCA_GUIDES = {
  clave: "https://www.afip.gob.ar/clavefiscal/",
  certificates: "https://www.afip.gob.ar/ws/documentacion/certificados.asp",
  wsaa: "https://www.afip.gob.ar/ws/WSAA/WSAAmanualDev.pdf",
  wsfe: "https://www.afip.gob.ar/ws/documentacion/ws-factura-electronica.asp",
  webservice: "https://www.afip.gob.ar/fe/ayuda/webservice.asp",
};

const steps = () => [
  [L("CUIT y clave fiscal nivel 3", "CUIT and fiscal key level 3"),
    L("Necesitás la CUIT del emisor y una clave fiscal de nivel 3 o superior para entrar a los servicios de ARCA.",
      "You need the issuer's CUIT and a fiscal key of level 3 or higher to enter ARCA's services."),
    [external(ARCA_GUIDES.clave, L("Clave fiscal (ARCA)", "Fiscal key (ARCA)"))]],
  [L("Habilitar los servicios", "Enable the services"),
    L("En «Administrador de Relaciones de Clave Fiscal» adherí «Administración de Certificados Digitales» (producción) o «WSASS - Autogestión Certificados Homologación» (pruebas).",
      "In 'Administrador de Relaciones de Clave Fiscal' add 'Administración de Certificados Digitales' (production) or 'WSASS - Autogestión Certificados Homologación' (test)."),
    [external(ARCA_GUIDES.certificates, L("Certificados digitales (ARCA)", "Digital certificates (ARCA)"))]],
  [L("Clave privada y CSR", "Private key and CSR"),
    L("Generá acá la clave (queda guardada en el servidor) y descargá el pedido de certificado (CSR).",
      "Generate the key here (it stays on the server) and download the certificate request (CSR)."),
    [here("#/configuracion?seccion=arca", L("Ir a ARCA / AFIP Web Services", "Go to ARCA / AFIP Web Services"))]],
  [L("El certificado y su alias", "The certificate and its alias"),
    L("En ARCA creá un alias (el mismo CN del CSR), subí el CSR, descargá el certificado (.crt) y subilo acá.",
      "In ARCA create an alias (the CSR's CN), upload the CSR, download the certificate (.crt) and upload it here."),
    [here("#/configuracion?seccion=arca", L("Subir el certificado", "Upload the certificate")), " · ",
      external(ARCA_GUIDES.wsaa, L("Manual del WSAA", "WSAA manual"))]],
  [L("Un punto de venta para Web Services (RECE)", "A point of sale for Web Services (RECE)"),
    L("En «Administración de Puntos de Venta y Domicilios» creá un punto de venta del tipo «RECE para aplicativo y web services» y registralo acá.",
      "In 'Administración de Puntos de Venta y Domicilios' create a point of sale of type 'RECE para aplicativo y web services' and register it here."),
    [here("#/configuracion?seccion=puntos-de-venta", L("Ir a Punto de venta", "Go to Point of sale")), " · ",
      external(ARCA_GUIDES.webservice, L("Factura electrónica por web service (ARCA)", "E-invoicing by web service (ARCA)"))]],
  [L("Asociar el certificado a WSFE", "Associate the certificate with WSFE"),
    L("En «Administrador de Relaciones» creá una relación nueva: ARCA › WebServices › Facturación Electrónica, con el alias del certificado como representante (en homologación: «Crear autorización a servicio» wsfe en WSASS). Después probá la conexión.",
      "In 'Administrador de Relaciones' add a relation: ARCA › WebServices › Facturación Electrónica, with the certificate's alias as representative (homologation: 'Crear autorización a servicio' wsfe in WSASS). Then test the connection."),
    [here("#/configuracion?seccion=arca", L("Probar conexión", "Test the connection")), " · ",
      external(ARCA_GUIDES.wsfe, L("Web service de factura electrónica (ARCA)", "E-invoice web service (ARCA)"))]],
  [L("Homologación antes de producción", "Homologation before production"),
    L("Con una clave sk_test_ todo va a homologación: emití facturas de prueba hasta que salgan bien. Después repetí los pasos 2 a 6 en producción y conectate con la clave sk_live_.",
      "With an sk_test_ key everything goes to homologation: issue test invoices until they come out right. Then repeat steps 2 to 6 in production and connect with the sk_live_ key."),
    [here("#/facturas/nueva", L("Emitir una factura de prueba", "Issue a test invoice"))]],
];

export default {
  path: "/ayuda",
  nav: () => L("Ayuda", "Help"),
  title: () => L("Ayuda para certificarte en ARCA", "Get certification help"),
  render(main) {
    main.append(heading(L("Ayuda para certificarte en ARCA", "Get certification help")),
      h("p", { class: "muted" }, L("Los siete pasos para emitir facturas electrónicas con CAE desde esta consola.",
        "The seven steps to issue e-invoices with CAE from this console."), " ",
        h("a", { href: "#/ayuda/mercado-pago" }, L("Ayuda para configurar Mercado Pago", "Mercado Pago setup help"))),
      h("ol", { class: "steps" }, steps().map(([title, text, links]) => h("li", null, h("h2", null, title), h("p", null, text), h("p", { class: "small" }, links)))));
  },
};
