// The screen registry: the navigation, the routes and the titles all come from this list. A screen is a module
// exporting { path, nav?, title, render(main, { params, query, navigate }) } (render may return a cleanup function).
// Order matters where paths overlap: a fixed path ("/suscripciones/nueva") comes before its ":id" sibling.
import balances from "./balances.js";
import billing from "./billing.js";
import billingRuns, { billingRunDetail } from "./billing-runs.js";
import connect from "./connect.js";
import help from "./help.js";
import invoice from "./invoice.js";
import items, { itemForm } from "./items.js";
import mercadopagoHelp from "./mercadopago-help.js";
import payment from "./payment.js";
import setup from "./setup.js";
import statement from "./statement.js";
import subscriptionNew from "./subscription-new.js";
import subscriptions, { subscriptionDetail } from "./subscriptions.js";

export const connectScreen = connect;
export const screens = [
  billing, balances, invoice, payment, items, itemForm, subscriptions, subscriptionNew, subscriptionDetail,
  billingRuns, billingRunDetail, setup, help, statement, mercadopagoHelp, connect,
];
