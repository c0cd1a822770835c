// The screen registry: the navigation, the routes and the titles all come from this list. A screen is a module
// exporting { path, nav?, title, render(main, { params, query, navigate }) } (render may return a cleanup function).
// Screens for Mercado Pago setup, items, subscriptions and billing runs are added here in the same shape.
import balances from "./balances.js";
import billing from "./billing.js";
import connect from "./connect.js";
import help from "./help.js";
import invoice from "./invoice.js";
import mercadopagoHelp from "./mercadopago-help.js";
import payment from "./payment.js";
import setup from "./setup.js";
import statement from "./statement.js";

export const connectScreen = connect;
export const screens = [billing, balances, invoice, payment, setup, help, statement, mercadopagoHelp, connect];
