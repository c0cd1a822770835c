// One voucher (`/facturas/inv_...`): its lines and totals as stored, ARCA's answer (CAE and its due date, or the codes
// of a rejection and the observations), the PDF, the Mercado Pago link, what was paid and credited and by which
// payments, and its events. Actions are the API's: issue a draft, delete a draft or a rejected voucher, a credit note.
import { api, listAll, newIdempotencyKey } from "../api.js";
import { h, replace } from "../dom.js";
import { date, money, number, timestamp } from "../format.js";
import { L } from "../i18n.js";
import { arcaStatus, concepts, ivaCondition, paymentMethod, paymentStatus, voucherType } from "../labels.js";
import { alertBox, announce, badge, busy, countText, deletesOnConfirm, heading, listLoader, pager, scroller, td, th } from "../ui.js";
import { LINK_STALE, linkCell, linkReasons, openPdf } from "./billing.js";

const EVENTS_PAGE = 10;
const vat = (rate) => (rate == null || rate === "" ? L("Sin IVA", "No VAT")
  : { exempt: L("Exento", "Exempt"), not_taxed: L("No gravado", "Not taxed") }[rate] || `${number(rate)} %`);
const pos = (n) => String(n).padStart(5, "0");
const facts = (pairs) => h("dl", { class: "facts" },
  pairs.filter(([, value]) => value != null && value !== "").flatMap(([label, value]) => [h("dt", null, label), h("dd", null, value)]));
const section = (id, title, ...children) => h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), children);

export default {
  async render(main, { params, navigate }) {
    const box = alertBox();
    main.append(heading(L("Comprobante", "Voucher")), h("p", null, h("a", { href: "#/facturacion" }, L("← Facturación", "← Billing"))), box);
    let invoice;
    try {
      invoice = await api("GET", `/v1/invoices/${params.id}`);
    } catch (error) {
      box.textContent = error.status === 404 ? L("No existe ese comprobante en este modo.", "There is no such voucher in this mode.") : error.message;
      box.hidden = false;
      return;
    }
    const label = `${voucherType(invoice.voucher_type)} ${invoice.full_number || L(`PV ${pos(invoice.point_of_sale)}, sin número`, `POS ${pos(invoice.point_of_sale)}, no number yet`)}`;
    replace(main.querySelector("h1"), label);
    document.title = `${label} — ${L("Facturación", "Billing")}`;
    main.append(summary(invoice), arcaSection(invoice), actions(invoice, navigate), linesSection(invoice));
    if (invoice.kind !== "credit_note" && invoice.status === "authorized") main.append(await paymentsSection(invoice));
    const events = eventsSection(invoice);
    main.append(events.el);
    await events.load();
  },
};

function summary(invoice) {
  const r = invoice.receiver;
  const period = invoice.service_start ? `${date(invoice.service_start)} – ${date(invoice.service_end)}` : null;
  return section("invoice-summary", L("Datos", "Details"), facts([
    [L("Estado ARCA", "ARCA status"), badge(invoice.status, arcaStatus(invoice.status))],
    [L("Fecha", "Date"), invoice.date ? date(invoice.date) : L("La del día en que ARCA lo autorice", "The day ARCA authorizes it")],
    [L("Cliente", "Customer"), h("span", null, r.name, h("span", { class: "muted" },
      ` · ${r.document_type}${r.document_number ? ` ${r.document_number}` : ""} · ${ivaCondition(r.iva_condition)}`))],
    [L("Punto de venta", "Point of sale"), pos(invoice.point_of_sale)],
    [L("Concepto", "Concept"), (concepts().find(([c]) => c === invoice.concept) || [0, invoice.concept])[1]],
    [L("Período de servicio", "Service period"), period],
    [L("Vencimiento del pago", "Payment due"), invoice.due_date ? date(invoice.due_date) : invoice.payment_due ? date(invoice.payment_due) : null],
    [L("Moneda", "Currency"), invoice.currency === "PES" ? null : `${invoice.currency} · ${L("cotización", "rate")} ${number(invoice.exchange_rate)}`],
    [L("Suscripción", "Subscription"), invoice.subscription
      ? h("a", { href: `#/suscripciones/${invoice.subscription}` }, L(`período ${invoice.period}`, `period ${invoice.period}`)) : null],
    [L("Ajusta a", "Adjusts"), invoice.adjusts.length ? h("span", null, invoice.adjusts.map((id, i) => [i ? ", " : "", h("a", { href: `#/facturas/${id}` }, id)])) : null],
    [L("Tu referencia", "Your reference"), invoice.external_id],
    [L("Creado", "Created"), timestamp(invoice.created_at)],
    [L("Autorizado", "Authorized"), invoice.authorized_at ? timestamp(invoice.authorized_at) : null],
  ]));
}

/** ARCA's answer: the CAE and its due date, then every error (why it was rejected) and observation, with ARCA's codes. */
function arcaSection(invoice) {
  const messages = [
    ...invoice.errors.map((m) => [L("Error", "Error"), m]),
    ...invoice.observations.map((m) => [L("Observación", "Observation"), m]),
  ];
  const lead = {
    draft: L("Borrador: todavía no se envió a ARCA.", "Draft: not sent to ARCA yet."),
    pending: L("Enviado a ARCA, esperando el CAE.", "Sent to ARCA, waiting for the CAE."),
    rejected: L("ARCA lo rechazó: corregí lo que dicen los códigos y emitilo de nuevo (podés borrar este).",
      "ARCA rejected it: fix what the codes say and issue it again (you can delete this one)."),
    failed: L("No se pudo autorizar.", "It could not be authorized."),
  }[invoice.status];
  const check = invoice.receiver_check;
  return section("invoice-arca", "ARCA",
    lead ? h("p", null, lead) : null,
    facts([
      ["CAE", invoice.cae ? h("span", { class: "mono" }, invoice.cae) : null],
      [L("Vencimiento del CAE", "CAE due date"), invoice.cae_due_date ? date(invoice.cae_due_date) : null],
      [L("Padrón de ARCA", "ARCA registry"), check ? {
        checked: L(`consultado ${timestamp(check.checked_at)}`, `checked ${timestamp(check.checked_at)}`),
        skipped: L(`no consultado${check.note ? `: ${check.note}` : ""}`, `not checked${check.note ? `: ${check.note}` : ""}`),
        not_in_registry: L("el documento no está en el padrón", "the document is not in the registry"),
      }[check.status] : null],
      [L("Código QR", "QR code"), invoice.qr_url ? h("a", { href: invoice.qr_url, target: "_blank", rel: "noopener noreferrer" }, L("Verificar en ARCA", "Verify at ARCA")) : null],
    ]),
    messages.length ? scroller(L("Mensajes de ARCA", "ARCA's messages"), h("table", { class: "compact" },
      h("caption", { class: "visually-hidden" }, L("Mensajes de ARCA", "ARCA's messages")),
      h("thead", null, h("tr", null, th(L("Tipo", "Kind")), th(L("Código", "Code")), th(L("Mensaje", "Message")))),
      h("tbody", null, messages.map(([kind, m]) => h("tr", null, td(kind), td(String(m.code), "mono"), td(m.message)))))) : null);
}

function actions(invoice, navigate) {
  const out = h("div", { class: "small", role: "status" });
  const bar = h("div", { class: "actions" });
  const owes = invoice.kind !== "credit_note" && Number(invoice.balance) > 0;
  if (invoice.status === "authorized") {
    bar.append(h("button", { type: "button", class: "secondary", disabled: invoice.pdf_status !== "ready", onclick: () => openPdf(invoice, out) },
      invoice.pdf_status === "ready" ? L("Descargar PDF", "Download PDF") : L("Generando PDF…", "Rendering PDF…")));
    if (owes) bar.append(h("a", { href: `#/cobros/nuevo?cliente=${invoice.customer}&factura=${invoice.id}` }, L("Registrar cobro", "Record payment")));
    if (invoice.kind !== "credit_note") bar.append(h("a", { href: `#/facturas/nueva?nota=${invoice.id}` }, L("Emitir nota de crédito", "Issue a credit note")));
  }
  if (invoice.status === "draft") {
    const issue = h("button", { type: "button" }, L("Enviar a ARCA", "Send to ARCA"));
    issue.addEventListener("click", () => busy(issue, L("Enviando…", "Sending…"), async () => {
      try {
        await api("POST", `/v1/invoices/${invoice.id}/issue`);
        navigate(`/facturas/${invoice.id}`);
      } catch (error) {
        replace(out, h("span", { class: "error" }, error.message));
      }
    }));
    bar.append(issue);
  }
  if (invoice.status === "draft" || invoice.status === "rejected") {
    const remove = h("button", { type: "button", class: "danger" }, L("Borrar", "Delete"));
    deletesOnConfirm(remove, {
      question: L("¿Borrar este comprobante?", "Delete this voucher?"),
      consequence: L("No tiene CAE, así que no existe para ARCA: se borra del todo.", "It has no CAE, so ARCA does not know it: it is deleted for good."),
      path: `/v1/invoices/${invoice.id}`,
      done: L("Comprobante borrado.", "Voucher deleted."),
      after: () => navigate("/facturacion"),
      failed: (error) => replace(out, h("span", { class: "error" }, error.message)),
    });
    bar.append(remove);
  }
  return h("div", { class: "card" }, h("h2", { class: "visually-hidden" }, L("Acciones", "Actions")), bar.children.length ? bar : null,
    invoice.status === "authorized" && invoice.kind !== "credit_note" ? linkArea(invoice) : null, out);
}

/** The Mercado Pago link: shown when there is one; made (again) when the invoice owes and the link cannot collect it. */
function linkArea(invoice) {
  const area = h("div", { class: "spaced" });
  const link = invoice.payment_link;
  const owes = Number(invoice.balance) > 0;
  if (link) area.append(h("h3", null, L("Link de pago", "Payment link")), linkCell(link, invoice.full_number));
  if (owes && (!link || LINK_STALE.has(link.status) || Number(link.amount) !== Number(invoice.balance))) {
    const make = h("button", { type: "button", class: "secondary" }, L("Crear link de pago", "Make payment link"));
    const said = h("p", { class: "small", role: "status" });
    const idempotencyKey = newIdempotencyKey();
    make.addEventListener("click", () => busy(make, L("Creando…", "Making…"), async () => {
      try {
        const made = await api("POST", `/v1/invoices/${invoice.id}/payment-link`, { idempotencyKey });
        area.replaceWith(linkArea({ ...invoice, payment_link: made }));
        announce(L("Link de pago creado.", "Payment link made."));
      } catch (error) {
        const reason = linkReasons[error.code];
        replace(said, h("span", { class: "error" }, reason ? reason() : error.message));
      }
    }));
    area.append(h("div", { class: "actions" }, make), said);
  }
  return area;
}

function linesSection(invoice) {
  const t = invoice.totals;
  const rows = [[L("Subtotal", "Subtotal"), t.subtotal]];
  if (Number(t.discount)) rows.push([L("Descuento", "Discount"), `-${t.discount}`]);
  rows.push([L("Neto gravado", "Net taxed"), t.net_taxed]);
  if (Number(t.not_taxed)) rows.push([L("No gravado", "Not taxed"), t.not_taxed]);
  if (Number(t.exempt)) rows.push([L("Exento", "Exempt"), t.exempt]);
  for (const v of t.vat_breakdown) rows.push([L(`IVA ${number(v.rate)} %`, `VAT ${v.rate} %`), v.amount]);
  if (Number(t.tributes)) rows.push([L("Otros tributos", "Other taxes"), t.tributes]);
  return section("invoice-lines", L("Líneas", "Lines"),
    scroller(L("Líneas", "Lines"), h("table", null,
      h("caption", { class: "visually-hidden" }, L("Líneas", "Lines")),
      h("thead", null, h("tr", null, th(L("Descripción", "Description")), th(L("Cantidad", "Quantity"), "num"), th(L("Unidad", "Unit")),
        th(L("Precio unitario", "Unit price"), "num"), th(L("IVA", "VAT")), th(L("Importe neto", "Net amount"), "num"))),
      h("tbody", null, invoice.lines.map((l) => h("tr", null, td(l.description), td(number(l.quantity), "num"), td(l.unit || "—"),
        td(money(l.unit_price, invoice.currency), "num"), td(vat(l.vat_rate)), td(money(l.net, invoice.currency), "num")))))),
    h("div", { class: "totals", role: "group", "aria-label": L("Totales", "Totals") },
      h("dl", null, rows.flatMap(([name, value]) => [h("dt", null, name), h("dd", null, money(value, invoice.currency))]),
        h("dt", { class: "grand" }, L("Total", "Total")), h("dd", { class: "grand", "data-testid": "total" }, money(t.total, invoice.currency)))));
}

/** Paid, credited and owed, and the payments allocated to it (the API lists payments by customer, not by invoice). */
async function paymentsSection(invoice) {
  const body = h("tbody");
  const el = section("invoice-payments", L("Cobros", "Payments"),
    facts([
      [L("Estado de cobro", "Payment status"), invoice.payment_status ? badge(invoice.payment_status, paymentStatus(invoice.payment_status)) : null],
      [L("Cobrado", "Paid"), money(invoice.amount_paid)],
      [L("Acreditado por notas de crédito", "Credited by credit notes"), Number(invoice.amount_credited) ? money(invoice.amount_credited) : null],
      [L("Saldo", "Balance"), h("strong", { "data-testid": "balance" }, money(invoice.balance))],
    ]),
    scroller(L("Cobros imputados", "Payments allocated"), h("table", null,
      h("caption", { class: "visually-hidden" }, L("Cobros imputados", "Payments allocated")),
      h("thead", null, h("tr", null, th(L("Recibo", "Receipt")), th(L("Fecha", "Date")), th(L("Medios", "Methods")),
        th(L("Imputado", "Allocated"), "num"), th(L("Estado", "Status")))),
      body)));
  try {
    const payments = Number(invoice.amount_paid) > 0 ? await listAll("/v1/payments", { customer: invoice.customer }) : [];
    for (const p of payments) {
      const allocated = p.allocations.filter((a) => a.invoice === invoice.id).reduce((sum, a) => sum + Number(a.amount), 0);
      if (!allocated) continue;
      body.append(h("tr", null, td(`N° ${p.receipt_number}`), td(date(p.date)), td(p.methods.map((m) => paymentMethod(m.method)).join(", ")),
        td(money(allocated.toFixed(2)), "num"),
        h("td", null, p.status === "voided" ? badge("bad", L("Anulado", "Voided")) : badge("ok", L("Registrado", "Posted")))));
    }
  } catch (error) {
    body.append(h("tr", null, h("td", { colspan: 5, class: "error" }, error.message)));
  }
  if (!body.children.length) body.append(h("tr", null, h("td", { colspan: 5, class: "muted" }, L("Todavía no hay cobros imputados.", "No payments allocated yet."))));
  return el;
}

function eventsSection(invoice) {
  const body = h("tbody");
  const box = alertBox();
  const count = h("p", { class: "muted small", role: "status" });
  const pages = pager(async (after) => {
    const page = await api("GET", "/v1/events", { query: { object: invoice.id, limit: EVENTS_PAGE, starting_after: after } });
    replace(body, page.data.map((e) => h("tr", null, td(timestamp(e.created_at)),
      h("td", null, h("code", null, e.type), h("div", { class: "small muted mono" }, e.id)))));
    if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 2, class: "muted" }, L("Sin eventos todavía.", "No events yet."))));
    count.textContent = countText(page, ["evento", "event"], ["eventos", "events"]);
    return page;
  });
  const el = section("invoice-events", L("Eventos", "Events"),
    h("p", { class: "hint" }, L("Lo que pasó con este comprobante, como lo reciben tus webhooks.", "What happened to this voucher, as your webhooks receive it.")),
    box, count,
    scroller(L("Eventos", "Events"), h("table", null,
      h("caption", { class: "visually-hidden" }, L("Eventos", "Events")),
      h("thead", null, h("tr", null, th(L("Cuándo", "When")), th(L("Evento", "Event")))),
      body)), pages.el);
  return { el, load: listLoader(pages, box) };
}
