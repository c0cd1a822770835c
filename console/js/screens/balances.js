// Saldos de clientes: total paid and outstanding per contact, sortable, with the actions on each.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { money } from "../format.js";
import { L } from "../i18n.js";
import { alertBox, announce, heading, pager, td } from "../ui.js";

const COLUMNS = () => [
  ["name", L("Cliente", "Customer")], ["invoiced", L("Facturado", "Invoiced")], ["paid", L("Pagado", "Paid")],
  ["outstanding", L("Pendiente", "Outstanding")], ["overdue", L("Vencido", "Overdue")], ["credit", L("A favor", "Credit")],
];

export default {
  path: "/saldos",
  nav: () => L("Saldos de clientes", "Customer balances"),
  title: () => L("Saldos de clientes", "Customer balances"),
  async render(main) {
    let sort = "-outstanding";
    const box = alertBox();
    const head = h("tr");
    const body = h("tbody");
    const count = h("p", { role: "status", class: "muted" });
    const pages = pager(async (after) => {
      const page = await api("GET", "/v1/balances", { query: { limit: 25, starting_after: after, sort } });
      page.cursorField = "customer";
      replace(body, page.data.map((b) => h("tr", null,
        h("th", { scope: "row" }, b.name),
        td(money(b.invoiced), "num"), td(money(b.paid), "num"), td(money(b.outstanding), "num"),
        td(money(b.overdue), "num"), td(money(b.credit), "num"),
        h("td", null, h("div", { class: "actions row-actions" },
          h("a", { href: `#/saldos/${b.customer}`, "aria-label": L(`Estado de cuenta de ${b.name}`, `Statement of ${b.name}`) }, L("Estado de cuenta", "Statement")),
          h("a", { href: `#/cobros/nuevo?cliente=${b.customer}`, "aria-label": L(`Nuevo cobro de ${b.name}`, `New payment from ${b.name}`) }, L("Nuevo cobro", "New payment")),
          h("a", { href: `#/facturas/nueva?cliente=${b.customer}`, "aria-label": L(`Nueva factura a ${b.name}`, `New invoice to ${b.name}`) }, L("Nueva factura", "New invoice")))))));
      if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 7, class: "muted" }, L("Todavía no hay clientes con movimientos.", "No customer has any activity yet."))));
      const n = page.data.length;
      count.textContent = L(`${n} ${n === 1 ? "cliente" : "clientes"}${page.has_more ? " en esta página (hay más)" : ""}`,
        `${n} ${n === 1 ? "customer" : "customers"}${page.has_more ? " on this page (more follow)" : ""}`);
      return page;
    });
    const drawHead = () => replace(head, COLUMNS().map(([name, label], i) => {
      const active = sort.replace("-", "") === name;
      const direction = active ? (sort.startsWith("-") ? "descending" : "ascending") : null;
      return h("th", { scope: "col", class: i ? "num" : null, "aria-sort": direction || "none" },
        h("button", { type: "button", onclick: () => {
          sort = active && !sort.startsWith("-") ? `-${name}` : active ? name : (name === "name" ? name : `-${name}`);
          drawHead();
          load().then(() => announce(L(`Ordenado por ${label}`, `Sorted by ${label}`)));
        } }, label, active ? (direction === "descending" ? " ▼" : " ▲") : ""));
    }).concat(h("th", { scope: "col" }, L("Acciones", "Actions"))));
    const load = async () => {
      try {
        await pages.first();
        box.hidden = true;
      } catch (error) {
        box.textContent = error.message;
        box.hidden = false;
      }
    };
    drawHead();
    main.append(heading(L("Saldos de clientes", "Customer balances")),
      h("p", { class: "muted" }, L("Total pagado y saldo pendiente por contacto.", "Total paid and outstanding balance per contact.")),
      box, count,
      h("div", { class: "card" }, h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { class: "visually-hidden" }, L("Saldos por cliente", "Balances per customer")), h("thead", null, head), body)), pages.el));
    await load();
  },
};
