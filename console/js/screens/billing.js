// Facturación: every voucher, newest first, with its ARCA status, payment status and Mercado Pago link, PDF and filters.
import { api, listAll, newIdempotencyKey } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { date, money } from "../format.js";
import { L } from "../i18n.js";
import { arcaStatus, arcaStatuses, linkStatus, paymentStatus, voucherType, voucherTypes } from "../labels.js";
import { alertBox, announce, badge, busy, countText, heading, listLoader, pager, td, th } from "../ui.js";

const PAGE = 20;

/** ARCA's answer about one voucher: CAE and its due date, or the codes and messages of a rejection. */
export function arcaCell(invoice) {
  const cell = h("td", null, badge(invoice.status, arcaStatus(invoice.status)));
  if (invoice.cae) {
    cell.append(h("div", { class: "small" }, `CAE ${invoice.cae}`),
      h("div", { class: "small muted" }, L(`vence ${date(invoice.cae_due_date)}`, `due ${date(invoice.cae_due_date)}`)));
  }
  for (const message of [...(invoice.errors || []), ...(invoice.observations || [])]) {
    cell.append(h("div", { class: "small" }, `${message.code}: ${message.message}`));
  }
  return cell;
}

/** Asks the API for a short-lived link to the PDF and opens it; the link is shown too, in case pop-ups are blocked. */
export async function openPdf(invoice, where) {
  try {
    const download = await api("GET", `/v1/invoices/${invoice.id}/pdf`);
    const link = h("a", { href: download.url, target: "_blank", rel: "noopener noreferrer" },
      L(`Descargar PDF ${invoice.full_number || ""}`, `Download PDF ${invoice.full_number || ""}`));
    replace(where, link);
    link.click();
  } catch (error) {
    replace(where, h("span", { class: "error" }, error.status === 409
      ? L("El PDF todavía se está generando; probá en unos segundos.", "The PDF is still being rendered; try again in a few seconds.")
      : error.message));
  }
}

export default {
  path: "/facturacion",
  nav: () => L("Facturación", "Billing"),
  title: () => L("Facturación", "Billing"),
  async render(main, { query, navigate }) {
    const customer = h("select", { name: "customer" }, h("option", { value: "" }, L("Todos", "All")));
    const status = h("select", { name: "status" }, h("option", { value: "" }, L("Todos", "All")), options(arcaStatuses()));
    const type = h("select", { name: "voucher_type" }, h("option", { value: "" }, L("Todos", "All")), options(voucherTypes()));
    const from = h("input", { type: "date", name: "date_from" });
    const to = h("input", { type: "date", name: "date_to" });
    const apply = h("button", { type: "submit" }, L("Filtrar", "Filter"));
    const filters = h("form", { class: "card filters", role: "search", "aria-label": L("Filtros", "Filters") },
      field(L("Cliente", "Customer"), customer, { param: "customer" }),
      field(L("Estado ARCA", "ARCA status"), status, { param: "status" }),
      field(L("Tipo", "Type"), type, { param: "voucher_type" }),
      field(L("Desde", "From"), from, { param: "date_from" }),
      field(L("Hasta", "To"), to, { param: "date_to" }),
      h("div", { class: "field" }, apply));
    const count = h("p", { role: "status", class: "muted" });
    const box = alertBox();
    const body = h("tbody");
    const table = h("div", { class: "table-wrap" }, h("table", null,
      h("caption", { class: "visually-hidden" }, L("Comprobantes", "Vouchers")),
      h("thead", null, h("tr", null, th(L("Fecha", "Date")), th(L("Comprobante", "Voucher")), th(L("Cliente", "Customer")),
        th(L("Total", "Total"), "num"), th(L("Estado ARCA", "ARCA status")), th(L("Cobro", "Payment")), th(L("Acciones", "Actions")))),
      body));
    const names = new Map();
    const pages = pager(async (after) => {
      box.hidden = true;
      const page = await api("GET", "/v1/invoices", {
        query: {
          limit: PAGE, starting_after: after, customer: customer.value, status: status.value,
          voucher_type: type.value, date_from: from.value, date_to: to.value,
        },
      });
      replace(body, page.data.map((invoice) => row(invoice, names, navigate)));
      if (!page.data.length) {
        body.append(h("tr", null, h("td", { colspan: 7, class: "muted" },
          L("No hay comprobantes con estos filtros.", "No vouchers match these filters."))));
      }
      count.textContent = countText(page, ["comprobante", "voucher"], ["comprobantes", "vouchers"]);
      return page;
    });
    main.append(
      heading(L("Facturación", "Billing")),
      h("div", { class: "actions" }, h("a", { href: "#/facturas/nueva" }, L("Nueva factura", "New invoice"))),
      filters, box, count, h("div", { class: "card" }, table, pages.el));
    const load = listLoader(pages, box, { filters, count });
    // The list and the customer picker load side by side; the rows carry their customer's name already.
    const picker = listAll("/v1/customers").then((all) => {
      for (const c of all) {
        names.set(c.id, c.name);
        customer.append(h("option", { value: c.id, selected: c.id === query.cliente }, c.name));
      }
    }, () => {}); // the list still works without the picker
    if (query.cliente) await picker; // a list filtered by customer needs the picker's option first
    await Promise.all([load(), picker]);
  },
};

// A link is made again only when the current one cannot be paid any more, or is for another amount (a partial payment).
export const LINK_STALE = new Set(["expired", "rejected", "refunded"]);
export const linkReasons = {
  invoice_paid: () => L("La factura ya está pagada: no hay nada que cobrar.", "The invoice is paid: nothing is owed."),
  not_payable: () => L("Es una nota de crédito: no se cobra.", "It is a credit note: it is not paid."),
  not_authorized: () => L("ARCA todavía no autorizó esta factura.", "ARCA has not authorized this invoice yet."),
  mercadopago_not_configured: () => L("Mercado Pago no está conectado en este modo: conectalo en Configuración.",
    "Mercado Pago is not connected in this mode: connect it in Setup."),
};

/** The invoice's Mercado Pago link: its status, open it, copy it. */
export function linkCell(link, number) {
  const copy = h("button", { type: "button", class: "link small", "aria-label": L(`Copiar link de pago de ${number}`, `Copy payment link of ${number}`),
    onclick: () => navigator.clipboard.writeText(link.url).then(() => announce(L("Link copiado.", "Link copied.")),
      () => announce(link.url)) }, L("Copiar", "Copy"));
  return h("div", { class: "small pay-link" }, badge(link.status, linkStatus(link.status)), " ",
    h("a", { href: link.url, target: "_blank", rel: "noopener noreferrer", "aria-label": L(`Abrir link de pago de ${number}`, `Open payment link of ${number}`) },
      L("Abrir link", "Open link")), " · ", copy,
    h("div", { class: "muted" }, L(`por ${money(link.amount)}`, `for ${money(link.amount)}`)));
}

function row(invoice, names, navigate) {
  const pdf = h("div", { class: "small" });
  const actions = h("td", null);
  const owes = invoice.balance && Number(invoice.balance) > 0 && invoice.kind !== "credit_note";
  const link = invoice.payment_link;
  if (invoice.status === "authorized") {
    actions.append(h("button", { type: "button", class: "secondary", onclick: () => openPdf(invoice, pdf),
      "aria-label": L(`PDF de ${invoice.full_number}`, `PDF of ${invoice.full_number}`) }, "PDF"), " ");
    if (owes) {
      actions.append(h("button", { type: "button", class: "secondary",
        onclick: () => navigate(`/cobros/nuevo?cliente=${invoice.customer}&factura=${invoice.id}`),
        "aria-label": L(`Cobrar ${invoice.full_number}`, `Record payment for ${invoice.full_number}`) }, L("Cobrar", "Collect")), " ");
    }
    if (owes && (!link || LINK_STALE.has(link.status) || Number(link.amount) !== Number(invoice.balance))) {
      const create = h("button", { type: "button", class: "secondary",
        "aria-label": L(`Crear link de pago de ${invoice.full_number}`, `Make payment link for ${invoice.full_number}`) },
      L("Crear link de pago", "Make payment link"));
      const idempotencyKey = newIdempotencyKey(); // a retry after a network error makes one link
      create.addEventListener("click", () => busy(create, L("Creando…", "Making…"), async () => {
        try {
          const made = await api("POST", `/v1/invoices/${invoice.id}/payment-link`, { idempotencyKey });
          const updated = row({ ...invoice, payment_link: made }, names, navigate);
          create.closest("tr").replaceWith(updated);
          announce(L(`Link de pago creado para ${invoice.full_number}.`, `Payment link made for ${invoice.full_number}.`));
        } catch (error) {
          const reason = linkReasons[error.code];
          replace(pdf, h("span", { class: "error", role: "alert" }, reason ? reason() : error.message));
        }
      }));
      actions.append(create);
    }
    actions.append(pdf);
  }
  const payment = h("td", null);
  if (invoice.payment_status) {
    payment.append(badge(invoice.payment_status, paymentStatus(invoice.payment_status)));
    if (Number(invoice.balance) > 0) payment.append(h("div", { class: "small muted" }, L(`debe ${money(invoice.balance)}`, `owes ${money(invoice.balance)}`)));
    if (invoice.due_date) payment.append(h("div", { class: "small muted" }, L(`vto. ${date(invoice.due_date)}`, `due ${date(invoice.due_date)}`)));
    if (link && link.status !== "paid") payment.append(linkCell(link, invoice.full_number));
  } else payment.append("—");
  return h("tr", null,
    td(date(invoice.date || invoice.created_at)),
    h("td", null, h("a", { href: `#/facturas/${invoice.id}` }, voucherType(invoice.voucher_type)),
      h("div", { class: "small muted" }, invoice.full_number || L(`PV ${String(invoice.point_of_sale).padStart(5, "0")}, sin número`, `POS ${invoice.point_of_sale}, no number yet`))),
    h("td", null, invoice.receiver?.name || names.get(invoice.customer) || invoice.customer,
      invoice.receiver?.document_number ? h("div", { class: "small muted" }, `${invoice.receiver.document_type} ${invoice.receiver.document_number}`) : null),
    td(money(invoice.totals.total, invoice.currency), "num"),
    arcaCell(invoice),
    payment,
    actions);
}
