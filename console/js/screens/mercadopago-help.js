// Mercado Pago Setup Help: the seven steps; the webhook URL is this deployment's, for the connected account.
import { h } from "../dom.js";
import { L } from "../i18n.js";
import { session } from "../session.js";
import { announce, heading } from "../ui.js";

const external = (href, text) => h("a", { href, target: "_blank", rel: "noopener noreferrer" }, `${text} ↗`);
const PANEL = "https://www.mercadopago.com.ar/developers/panel/app";
const WEBHOOKS = "https://www.mercadopago.com.ar/developers/es/docs/your-integrations/notifications/webhooks";

export default {
  path: "/ayuda/mercado-pago",
  title: () => L("Ayuda para configurar Mercado Pago", "Mercado Pago setup help"),
  render(main) {
    const url = `${location.origin}/v1/webhooks/mercadopago/${session.account?.id || "ten_..."}`;
    const urlField = h("input", { readonly: true, value: url, id: "webhook-url", class: "mono" });
    const copy = h("button", { type: "button", class: "secondary", onclick: async () => {
      await navigator.clipboard?.writeText(url).catch(() => urlField.select());
      announce(L("URL copiada.", "URL copied."));
    } }, L("Copiar URL", "Copy URL"));
    const steps = [
      [L("Una aplicación de desarrollador", "A developer application"), L("En el panel de desarrolladores de Mercado Pago creá una aplicación para cobrar con Checkout Pro.", "In Mercado Pago's developer panel create an application to take Checkout Pro payments."), external(PANEL, L("Tus integraciones", "Your integrations"))],
      [L("Primero, credenciales de prueba", "Test credentials first"), L("Usá las credenciales de prueba con la clave sk_test_ y las de producción sólo con sk_live_.", "Use the test credentials with the sk_test_ key and production ones only with sk_live_."), null],
      [L("Los secretos, sólo en el servidor", "Secrets on the server only"), L("El access token y el secreto de firma se guardan cifrados en el servidor; nunca en el navegador ni en tu sitio.", "The access token and the signature secret are kept encrypted on the server; never in the browser or your site."), null],
      [L("La URL de notificaciones (webhook)", "The notification (webhook) URL"), L("En la aplicación, en «Webhooks», pegá esta URL y elegí el evento «Pagos»:", "In the application, under 'Webhooks', paste this URL and choose the 'Payments' event:"), h("div", { class: "actions" }, h("label", { for: "webhook-url", class: "visually-hidden" }, L("URL del webhook", "Webhook URL")), urlField, copy)],
      [L("El secreto de firma", "The signature secret"), L("Mercado Pago muestra una clave secreta para firmar las notificaciones: con ella se verifica cada aviso (x-signature).", "Mercado Pago shows a secret key that signs notifications: every notice is verified with it (x-signature)."), external(WEBHOOKS, L("Notificaciones webhooks", "Webhook notifications"))],
      [L("Los pagos se confirman consultando a Mercado Pago", "Payments are confirmed by asking Mercado Pago"), L("Un aviso no alcanza: el pago se busca en Mercado Pago y sólo uno aprobado salda la factura.", "A notice is not enough: the payment is fetched from Mercado Pago and only an approved one settles the invoice."), null],
      [L("La URL de regreso", "The back URL"), L("Es la página a la que vuelve tu cliente después de pagar; no confirma el pago por sí sola.", "The page your customer returns to after paying; it does not confirm the payment by itself."), null],
    ];
    main.append(heading(L("Ayuda para configurar Mercado Pago", "Mercado Pago setup help")),
      h("p", { class: "muted" }, L("Para cobrar tus facturas con un link de pago de Mercado Pago. Las credenciales se cargan en ",
        "To collect your invoices with a Mercado Pago payment link. The credentials go in "),
      h("a", { href: "#/configuracion?seccion=mercado-pago" }, L("Configuración → Mercado Pago", "Setup → Mercado Pago")), "."),
      h("ol", { class: "steps" }, steps.map(([title, text, extra]) => h("li", null, h("h2", null, title), h("p", null, text), extra))));
  },
};
