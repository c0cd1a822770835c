// The screen registry: the navigation, the routes and the titles all come from this list. A screen is a module
// exporting { path, nav?, title, render(main, { params, query, navigate }) } (render may return a cleanup function),
// or, for a screen loaded on its first visit (`later`), its entry here and a module exporting { render }.
// Order matters where paths overlap: a fixed path ("/suscripciones/nueva") comes before its ":id" sibling.
import { h } from "../dom.js";
import { L } from "../i18n.js";
import balances from "./balances.js";
import billing from "./billing.js";
import connect from "./connect.js";
import help from "./help.js";
import invoice from "./invoice.js";
import mercadopagoHelp from "./mercadopago-help.js";
import payment from "./payment.js";
import setup from "./setup.js";
import statement from "./statement.js";

/**
 * A screen whose module is imported on its first visit: monthly billing's screens, a voucher's detail and the webhooks
 * stay out of the first load (the console's budget is 150 KB uncompressed). Its route, link and title are here; the
 * module exports `render`.
 */
const later = (screen, load) => ({
  ...screen,
  async render(main, context) {
    let module;
    try {
      module = await load();
    } catch {
      main.append(h("div", { class: "alert alert-error", role: "alert" }, L("No se pudo cargar esta pantalla. Revisá tu conexión y recargá la página.",
        "Could not load this screen. Check your connection and reload the page.")));
      return null;
    }
    return module.render(main, context);
  },
});
const items = later({ path: "/items", nav: () => L("Ítems", "Items"), title: () => L("Ítems", "Items") },
  () => import("./items.js").then((m) => m.default));
const itemForm = later({ path: "/items/:id", title: () => L("Ítem", "Item") },
  () => import("./items.js").then((m) => m.itemForm));
const subscriptions = later({ path: "/suscripciones", nav: () => L("Suscripciones", "Subscriptions"), title: () => L("Suscripciones", "Subscriptions") },
  () => import("./subscriptions.js").then((m) => m.default));
const subscriptionNew = later({ path: "/suscripciones/nueva", title: () => L("Nueva suscripción", "New subscription") },
  () => import("./subscription-new.js").then((m) => m.default));
const subscriptionDetail = later({ path: "/suscripciones/:id", title: () => L("Suscripción", "Subscription") },
  () => import("./subscriptions.js").then((m) => m.subscriptionDetail));
// Not "Corridas de facturación" in the navigation: the link named "Facturación" stays the only one of that name.
const billingRuns = later({ path: "/corridas", nav: () => L("Corridas", "Billing runs"), title: () => L("Corridas de facturación", "Billing runs") },
  () => import("./billing-runs.js").then((m) => m.default));
const billingRunDetail = later({ path: "/corridas/:id", title: () => L("Corrida de facturación", "Billing run") },
  () => import("./billing-runs.js").then((m) => m.billingRunDetail));

const invoiceDetail = later({ path: "/facturas/:id", title: () => L("Comprobante", "Voucher") },
  () => import("./invoice-detail.js").then((m) => m.default));
const webhooks = later({ path: "/configuracion/webhooks", title: () => L("Webhooks", "Webhooks") },
  () => import("./webhooks.js").then((m) => m.default));
const webhookDetail = later({ path: "/configuracion/webhooks/:id", title: () => L("Endpoint de webhooks", "Webhook endpoint") },
  () => import("./webhooks.js").then((m) => m.webhookDetail));

export const connectScreen = connect;
export const screens = [
  billing, balances, invoice, invoiceDetail, payment, items, itemForm, subscriptions, subscriptionNew, subscriptionDetail,
  billingRuns, billingRunDetail, setup, webhooks, webhookDetail, help, statement, mercadopagoHelp, connect,
];
