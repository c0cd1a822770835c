// Suscripciones: the list (by status) and one subscription with its plan, its calendar, the upcoming invoice exactly as
// the run will issue it (GET .../upcoming) and the lifecycle actions, each confirmed in a dialog.
import { api, listAll } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { date, money, timestamp } from "../format.js";
import { L } from "../i18n.js";
import { interval, subscriptionStatus, subscriptionStatuses, voucherType } from "../labels.js";
import { alertBox, announce, badge, busy, confirmDialog, countText, heading, listLoader, pager, td, th } from "../ui.js";

const PAGE = 20;
const statusBadge = (s) => h("span", null, badge(s.status, subscriptionStatus(s.status)),
  s.review_required ? [" ", badge("pending", L("Revisar", "Review"))] : null,
  s.cancel_at_period_end && s.status === "active" ? [" ", badge("pending", L("Se cancela al fin del período", "Cancels at period end"))] : null);
const period = (key) => (key ? `${key.slice(5, 7)}/${key.slice(0, 4)}` : "—");
const linesTotal = (s) => s.lines.reduce((sum, l) => sum + Number(l.quantity) * Number(l.unit_price), 0).toFixed(2);

export default {
  async render(main) {
    const status = h("select", { name: "status" }, h("option", { value: "" }, L("Todas", "All")), options(subscriptionStatuses()));
    const filters = h("form", { class: "card filters", role: "search", "aria-label": L("Filtros", "Filters") },
      field(L("Estado", "Status"), status, { param: "status" }),
      h("div", { class: "field" }, h("button", { type: "submit" }, L("Filtrar", "Filter"))));
    const box = alertBox();
    const count = h("p", { role: "status", class: "muted" });
    const body = h("tbody");
    const names = new Map();
    const customers = listAll("/v1/customers").then((all) => all.forEach((c) => names.set(c.id, c.name)), () => {});
    const pages = pager(async (after) => {
      const [page] = await Promise.all([
        api("GET", "/v1/subscriptions", { query: { limit: PAGE, starting_after: after, status: status.value } }), customers]);
      replace(body, page.data.map((s) => h("tr", null,
        h("td", null, h("a", { href: `#/suscripciones/${s.id}` }, names.get(s.customer) || s.customer),
          h("div", { class: "small muted" }, s.lines.map((l) => l.description).join(" · "))),
        h("td", null, statusBadge(s)),
        td(interval(s.interval_months)),
        td(money(linesTotal(s), s.currency), "num"),
        td(s.next_billing_date ? date(s.next_billing_date) : "—"),
        td(s.auto_issue ? L("Se emite sola", "Issued automatically") : L("Queda en borrador", "Kept as draft")))));
      if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 6, class: "muted" }, L("No hay suscripciones con este filtro.", "No subscriptions match this filter."))));
      count.textContent = countText(page, ["suscripción", "subscription"], ["suscripciones", "subscriptions"]);
      return page;
    });
    main.append(heading(L("Suscripciones", "Subscriptions")),
      h("p", { class: "muted" }, L("Abonos que la facturación mensual emite solos, un período por vez, por adelantado.",
        "Plans the monthly run invoices by itself, one period at a time, in advance.")),
      h("div", { class: "actions" }, h("a", { href: "#/suscripciones/nueva" }, L("Nueva suscripción", "New subscription"))),
      filters, box, count,
      h("div", { class: "card" }, h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { class: "visually-hidden" }, L("Suscripciones", "Subscriptions")),
        h("thead", null, h("tr", null, th(L("Cliente", "Customer")), th(L("Estado", "Status")), th(L("Frecuencia", "Interval")),
          th(L("Neto por período", "Net per period"), "num"), th(L("Próxima facturación", "Next billing")), th(L("Emisión", "Issuing")))),
        body)), pages.el));
    await listLoader(pages, box, { filters, count })();
  },
};

export const subscriptionDetail = {
  async render(main, { params }) {
    const box = alertBox();
    const title = h("h1", { tabindex: "-1" }, L("Suscripción", "Subscription"));
    const facts = h("dl", { class: "facts" });
    const lines = h("tbody");
    const actions = h("div", { class: "actions" });
    const upcoming = h("div", { "aria-live": "polite" });
    const done = h("p", { role: "status", class: "alert alert-ok", hidden: true });
    main.append(h("div", { class: "heading" }, title),
      h("p", null, h("a", { href: "#/suscripciones" }, L("← Suscripciones", "← Subscriptions"))),
      box, done,
      h("section", { class: "card", "aria-labelledby": "sub-plan" }, h("h2", { id: "sub-plan" }, L("Plan", "Plan")), facts, actions),
      h("section", { class: "card", "aria-labelledby": "sub-lines" }, h("h2", { id: "sub-lines" }, L("Líneas", "Lines")),
        h("div", { class: "table-wrap" }, h("table", null,
          h("thead", null, h("tr", null, th(L("Descripción (con marcadores)", "Description (with placeholders)")), th(L("Ítem", "Item")),
            th(L("Cantidad", "Quantity"), "num"), th(L("Precio unitario", "Unit price"), "num"), th(L("IVA", "VAT")))),
          lines))),
      h("section", { class: "card", "aria-labelledby": "sub-upcoming" },
        h("h2", { id: "sub-upcoming" }, L("Próxima factura", "Upcoming invoice")),
        h("p", { class: "hint" }, L("Exactamente como la emitirá la facturación mensual: los marcadores ya reemplazados. No se crea nada.",
          "Exactly as the monthly run will issue it, placeholders filled in. Nothing is created.")),
        upcoming));

    let customerName = null;
    const show = async (s) => {
      if (!customerName) {
        customerName = await api("GET", `/v1/customers/${s.customer}`).then((c) => c.name, () => s.customer);
      }
      title.textContent = L(`Suscripción de ${customerName}`, `Subscription of ${customerName}`);
      const end = s.end_date ? date(s.end_date) : s.periods ? L(`${s.periods} períodos`, `${s.periods} periods`) : L("Sin fin", "No end");
      const pairs = [
        [L("Estado", "Status"), statusBadge(s)],
        [L("Cliente", "Customer"), h("a", { href: `#/saldos/${s.customer}` }, customerName)],
        [L("Frecuencia", "Interval"), interval(s.interval_months)],
        [L("Inicio", "Start"), date(s.start_date)],
        [L("Fin", "End"), end],
        [L("Próximo período", "Next period"), period(s.next_period)],
        [L("Próxima facturación", "Next billing date"), h("span", { "data-testid": "next-billing-date" }, s.next_billing_date ? date(s.next_billing_date) : "—")],
        [L("Punto de venta", "Point of sale"), String(s.point_of_sale).padStart(5, "0")],
        [L("Emisión", "Issuing"), s.auto_issue ? L("Se envía a ARCA sola", "Sent to ARCA automatically") : L("Queda en borrador para revisar", "Kept as a draft to review")],
        [L("Vencimiento del pago", "Payment due"), s.payment_terms_days == null ? L("Los días de pago del cliente", "The customer's terms") : L(`${s.payment_terms_days} días después de la factura`, `${s.payment_terms_days} days after the invoice`)],
        [L("Ajuste de precio", "Price adjustment"), s.price_adjustment ? L(`${s.price_adjustment.percentage} % cada ${s.price_adjustment.every_months} meses`, `${s.price_adjustment.percentage} % every ${s.price_adjustment.every_months} months`) : "—"],
        [L("Facturas", "Invoices"), h("a", { href: `#/facturacion?cliente=${s.customer}` }, L("Ver las del cliente en Facturación", "See the customer's in Billing"))],
        [L("Actualizada", "Updated"), timestamp(s.updated_at)],
      ];
      replace(facts, pairs.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
      replace(lines, s.lines.map((l) => h("tr", null, td(l.description), h("td", null, l.item ? h("a", { href: `#/items/${l.item}`, class: "mono" }, l.item) : L("Línea propia", "Own line")),
        td(l.quantity, "num"), td(money(l.unit_price, s.currency), "num"), td(l.vat_rate == null ? L("Sin IVA", "No VAT") : `${l.vat_rate} %`))));
      drawActions(s);
      drawUpcoming(s);
    };

    const act = (button, busyLabel, path, body, message) => busy(button, busyLabel, async () => {
      box.hidden = true;
      done.hidden = true;
      try {
        const s = await api("POST", `/v1/subscriptions/${params.id}/${path}`, { body });
        await show(s);
        done.textContent = message;
        done.hidden = false;
        announce(message);
      } catch (error) {
        replace(box, `${error.message}${error.code ? ` (${error.code})` : ""}`);
        box.hidden = false;
      }
    });

    function drawActions(s) {
      replace(actions);
      if (s.status === "active" && !s.review_required) {
        const pause = h("button", { type: "button", class: "secondary" }, L("Pausar", "Pause"));
        pause.addEventListener("click", async () => {
          if (await confirmDialog(L("¿Pausar la suscripción?", "Pause the subscription?"),
            L("No se factura mientras esté pausada. Al reanudarla se factura desde el primer período que empiece ese día o después: los períodos pausados no se cobran.",
              "Nothing is billed while it is paused. Resumed, it bills from the first period that starts on or after that day: paused periods are not billed."),
            L("Pausar", "Pause"))) act(pause, L("Pausando…", "Pausing…"), "pause", undefined, L("Suscripción pausada.", "Subscription paused."));
        });
        actions.append(pause);
      }
      if (s.status === "paused" || s.review_required) {
        const resume = h("button", { type: "button" }, L("Reanudar", "Resume"));
        resume.addEventListener("click", async () => {
          if (await confirmDialog(L("¿Reanudar la suscripción?", "Resume the subscription?"),
            s.review_required
              ? L("La facturación encontró más períodos pendientes de los que factura de una vez. Reanudarla los factura en la próxima corrida.",
                "The run found more periods due than it bills at once. Resuming bills them in the next run.")
              : L("Vuelve a facturarse desde el próximo período que empiece hoy o después.", "It bills again from the next period starting today or later."),
            L("Reanudar", "Resume"))) act(resume, L("Reanudando…", "Resuming…"), "resume", undefined, L("Suscripción reanudada.", "Subscription resumed."));
        });
        actions.append(resume);
      }
      if (s.status === "active" || s.status === "paused") {
        const cancel = h("button", { type: "button", class: "danger" }, L("Cancelar suscripción", "Cancel subscription"));
        cancel.addEventListener("click", async () => {
          const choice = (value, label, checked) => h("div", { class: "field inline" },
            h("input", { type: "radio", name: "when", value, id: `when-${value}`, checked }), h("label", { for: `when-${value}` }, label));
          const answer = await confirmDialog(L("¿Cancelar la suscripción?", "Cancel the subscription?"),
            L("Una suscripción cancelada no vuelve a facturarse; no se puede deshacer.", "A canceled subscription is never billed again; this cannot be undone."),
            L("Confirmar cancelación", "Confirm cancellation"),
            h("fieldset", null, h("legend", null, L("Cuándo", "When")),
              choice("end", L("Al terminar el período actual (se factura el período en curso)", "At the end of the current period (the current period is billed)"), true),
              choice("now", L("Ahora", "Now"), false)));
          if (answer) {
            const atEnd = answer.when === "end";
            act(cancel, L("Cancelando…", "Canceling…"), "cancel", { at_period_end: atEnd },
              atEnd ? L("Se cancelará al terminar el período actual.", "It will be canceled at the end of the current period.") : L("Suscripción cancelada.", "Subscription canceled."));
          }
        });
        actions.append(cancel);
      }
    }

    async function drawUpcoming(s) {
      replace(upcoming, h("p", { class: "muted", role: "status" }, L("Calculando…", "Computing…")));
      try {
        const u = await api("GET", `/v1/subscriptions/${s.id}/upcoming`);
        const i = u.invoice;
        const t = i.totals;
        replace(upcoming,
          h("dl", { class: "facts" },
            h("dt", null, L("Período", "Period")), h("dd", null, period(u.period)),
            h("dt", null, L("Se factura el", "Billed on")), h("dd", null, date(u.billing_date)),
            h("dt", null, L("Comprobante", "Voucher")), h("dd", null, voucherType(i.voucher_type)),
            i.service_start ? [h("dt", null, L("Servicio", "Service")), h("dd", null, `${date(i.service_start)} – ${date(i.service_end)}`)] : null,
            h("dt", null, L("Vencimiento", "Due")), h("dd", null, date(i.payment_due))),
          h("div", { class: "table-wrap" }, h("table", null,
            h("caption", { class: "visually-hidden" }, L("Líneas de la próxima factura", "Upcoming invoice lines")),
            h("thead", null, h("tr", null, th(L("Descripción", "Description")), th(L("Cantidad", "Quantity"), "num"),
              th(L("Precio unitario", "Unit price"), "num"), th(L("Importe neto", "Net amount"), "num"))),
            h("tbody", null, i.lines.map((l) => h("tr", null, h("td", { "data-testid": "upcoming-description" }, l.description),
              td(l.quantity, "num"), td(money(l.unit_price, i.currency), "num"), td(money(l.net, i.currency), "num")))))),
          h("div", { class: "totals" }, h("dl", null,
            h("dt", null, L("Neto gravado", "Net taxed")), h("dd", null, money(t.net_taxed, i.currency)),
            Number(t.not_taxed) ? [h("dt", null, L("No gravado", "Not taxed")), h("dd", null, money(t.not_taxed, i.currency))] : null,
            Number(t.exempt) ? [h("dt", null, L("Exento", "Exempt")), h("dd", null, money(t.exempt, i.currency))] : null,
            h("dt", null, L("IVA", "VAT")), h("dd", null, money(t.vat, i.currency)),
            h("dt", { class: "grand" }, L("Total", "Total")), h("dd", { class: "grand", "data-testid": "upcoming-total" }, money(t.total, i.currency)))));
      } catch (error) {
        replace(upcoming, h("p", { class: "muted" }, error.status === 409
          ? L(`No hay próxima factura: ${error.message}`, `No upcoming invoice: ${error.message}`) : error.message));
      }
    }

    try {
      await show(await api("GET", `/v1/subscriptions/${params.id}`));
    } catch (error) {
      replace(box, error.message);
      box.hidden = false;
    }
  },
};
