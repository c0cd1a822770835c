// Estado de cuenta: one customer's vouchers and payments with the running balance and aging; CSV for the accountant.
import { api } from "../api.js";
import { download, field, h, replace } from "../dom.js";
import { date, money } from "../format.js";
import { L } from "../i18n.js";
import { statementRowType } from "../labels.js";
import { alertBox, busy, heading, td, th } from "../ui.js";

export default {
  path: "/saldos/:customer",
  title: () => L("Estado de cuenta", "Account statement"),
  async render(main, { params }) {
    const from = h("input", { type: "date", name: "from", "data-param": "from" });
    const to = h("input", { type: "date", name: "to", "data-param": "to" });
    const box = alertBox();
    const title = h("h1", { tabindex: "-1" }, L("Estado de cuenta", "Account statement"));
    const summary = h("dl", { class: "facts" });
    const body = h("tbody");
    const aging = h("tbody");
    const csv = h("button", { type: "button", class: "secondary" }, L("Descargar CSV", "Download CSV"));
    const form = h("form", { class: "card filters" },
      field(L("Desde", "From"), from, { param: "from" }), field(L("Hasta", "To"), to, { param: "to" }),
      h("div", { class: "field" }, h("button", { type: "submit" }, L("Ver", "Show"))), h("div", { class: "field" }, csv));
    const query = () => ({ from: from.value, to: to.value });
    const load = async () => {
      try {
        const s = await api("GET", `/v1/customers/${params.customer}/statement`, { query: query() });
        box.hidden = true;
        title.textContent = L(`Estado de cuenta de ${s.name}`, `Account statement of ${s.name}`);
        replace(summary,
          h("dt", null, L("Saldo inicial", "Opening balance")), h("dd", null, money(s.opening_balance)),
          h("dt", null, L("Saldo final", "Closing balance")), h("dd", { "data-testid": "closing-balance" }, money(s.closing_balance)),
          h("dt", null, L("Período", "Period")), h("dd", null, `${s.from ? date(s.from) : L("desde el inicio", "from the start")} – ${date(s.to)}`));
        replace(body, s.rows.map((r) => h("tr", null, td(date(r.date)), td(statementRowType(r.type)), td(r.concept),
          td(Number(r.debit) ? money(r.debit) : "", "num"), td(Number(r.credit) ? money(r.credit) : "", "num"),
          td(money(r.balance), "num"))));
        if (!s.rows.length) body.append(h("tr", null, h("td", { colspan: 6, class: "muted" }, L("Sin movimientos en el período.", "No activity in the period."))));
        const a = s.aging;
        replace(aging, h("tr", null, td(money(a.current), "num"), td(money(a.days_1_30), "num"), td(money(a.days_31_60), "num"),
          td(money(a.days_61_90), "num"), td(money(a.days_over_90), "num")));
      } catch (error) {
        box.textContent = error.message;
        box.hidden = false;
      }
    };
    form.addEventListener("submit", (event) => (event.preventDefault(), load()));
    csv.addEventListener("click", () => busy(csv, L("Descargando…", "Downloading…"), async () => {
      try {
        const text = await api("GET", `/v1/customers/${params.customer}/statement`, { query: query(), accept: "text/csv" });
        download(`estado-de-cuenta-${params.customer}.csv`, text, "text/csv;charset=utf-8");
      } catch (error) {
        box.textContent = error.message;
        box.hidden = false;
      }
    }));
    main.append(h("div", { class: "heading" }, title),
      h("p", null, h("a", { href: "#/saldos" }, L("← Saldos de clientes", "← Customer balances")), " · ",
        h("a", { href: `#/cobros/nuevo?cliente=${params.customer}` }, L("Nuevo cobro", "New payment")), " · ",
        h("a", { href: `#/facturas/nueva?cliente=${params.customer}` }, L("Nueva factura", "New invoice"))),
      form, box, h("div", { class: "card" }, summary,
        h("div", { class: "table-wrap" }, h("table", null, h("caption", { class: "visually-hidden" }, L("Movimientos", "Activity")),
          h("thead", null, h("tr", null, th(L("Fecha", "Date")), th(L("Tipo", "Type")), th(L("Concepto", "Concept")),
            th(L("Debe", "Debit"), "num"), th(L("Haber", "Credit"), "num"), th(L("Saldo", "Balance"), "num"))), body)),
        h("h2", { class: "spaced" }, L("Antigüedad de la deuda", "Aging")),
        h("div", { class: "table-wrap" }, h("table", null, h("thead", null, h("tr", null, th(L("A vencer", "Current"), "num"),
          th(L("1 a 30 días", "1-30 days"), "num"), th(L("31 a 60 días", "31-60 days"), "num"), th(L("61 a 90 días", "61-90 days"), "num"),
          th(L("Más de 90 días", "Over 90 days"), "num"))), aging))));
    await load();
  },
};
