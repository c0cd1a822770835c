// Nueva suscripción: customer, lines from the catalogue (or written here), interval, start date and whether each
// invoice goes to ARCA by itself. The API checks that its invoices could be issued; its 422 lands at the field.
import { api, listAll, newIdempotencyKey } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { money, parseAmount, todayAR } from "../format.js";
import { L } from "../i18n.js";
import { concepts, intervals, vatRates } from "../labels.js";
import { alertBox, heading, submitter } from "../ui.js";
import { newCustomerForm } from "./customer-form.js";

export default {
  async render(main, { navigate, query }) {
    let idempotencyKey = newIdempotencyKey();
    let catalogue = [];
    const customer = h("select", { name: "customer", required: true }, h("option", { value: "" }, L("Elegí un cliente", "Choose a customer")));
    const pointOfSale = h("select", { name: "point_of_sale" });
    const every = h("select", { name: "interval_months" }, options(intervals(), 1));
    const start = h("input", { type: "date", name: "start_date", value: todayAR(), required: true });
    const end = h("input", { type: "date", name: "end_date" });
    const concept = h("select", { name: "concept" }, options(concepts(), "services"));
    const terms = h("input", { name: "payment_terms_days", inputmode: "numeric", size: 4 });
    const autoIssue = h("input", { type: "checkbox", name: "auto_issue", checked: true });
    const lines = h("tbody");
    const box = alertBox();
    const submit = h("button", { type: "submit" }, L("Crear suscripción", "Create subscription"));

    const form = h("form", { class: "card", novalidate: true }, box,
      h("fieldset", null, h("legend", null, L("Cliente", "Customer")),
        field(L("Cliente", "Customer"), customer, { param: "customer" }),
        newCustomerForm((created) => {
          customer.append(h("option", { value: created.id }, created.name));
          customer.value = created.id;
        })),
      h("fieldset", null, h("legend", null, L("Líneas", "Lines")),
        h("p", { class: "hint" }, L("Elegí un ítem del catálogo (sus valores se copian; lo que escribas acá los reemplaza) o «Línea propia» y escribí descripción y precio.",
          "Pick a catalogue item (its values are copied; what you type here overrides them) or «Own line» and type the description and price.")),
        h("div", { class: "table-wrap" }, h("table", { class: "lines subscription-lines" },
          h("thead", null, h("tr", null, ...[L("Ítem", "Item"), L("Descripción", "Description"), L("Cantidad", "Quantity"),
            L("Precio unitario", "Unit price"), L("IVA %", "VAT %"), ""].map((t) => h("th", { scope: "col" }, t)))),
          lines)),
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => addLine() }, L("Agregar línea", "Add line"))),
        h("p", { class: "hint" }, L("Las descripciones pueden llevar marcadores como [current month] o [past month], que se reemplazan con el período facturado: ",
          "Descriptions may hold placeholders such as [current month] or [past month], filled in from the billed period: "),
          h("a", { href: "#/items/nuevo" }, L("ver la lista en Nuevo ítem", "see the list in New item")), ".")),
      h("fieldset", null, h("legend", null, L("Calendario", "Schedule")),
        h("div", { class: "grid" },
          field(L("Frecuencia", "Interval"), every, { param: "interval_months" }),
          field(L("Fecha de inicio", "Start date"), start, { param: "start_date",
            hint: L("Primer día del primer período; los siguientes empiezan el mismo día de cada mes.", "First day of the first period; the next ones start on the same day of the month.") }),
          field(L("Fecha de fin (opcional)", "End date (optional)"), end, { param: "end_date", hint: L("Ningún período empieza después.", "No period starts after it.") }),
          field(L("Concepto", "Concept"), concept, { param: "concept", hint: L("Servicios: el período es el del servicio facturado.", "Services: the period is the billed service period.") }))),
      h("fieldset", null, h("legend", null, L("Facturas", "Invoices")),
        h("div", { class: "grid" },
          field(L("Punto de venta", "Point of sale"), pointOfSale, { param: "point_of_sale" }),
          field(L("Días para pagar (opcional)", "Days to pay (optional)"), terms, { param: "payment_terms_days",
            hint: L("Vacío: los días de pago del cliente.", "Empty: the customer's payment terms.") })),
        field(L("Enviar cada factura a ARCA automáticamente", "Send each invoice to ARCA automatically"), autoIssue,
          { param: "auto_issue", inline: true }),
        h("p", { class: "hint" }, L("Sin marcar, cada factura queda en borrador para revisarla y emitirla a mano.",
          "Unchecked, each invoice is kept as a draft to review and issue by hand."))),
      h("div", { class: "actions" }, submit));

    function addLine() {
      const index = lines.children.length;
      const cell = (control, [short, label], name) => {
        control.setAttribute("aria-label", label);
        control.dataset.param = `lines[${index}].${name}`;
        control.dataset.name = name;
        control.id = `sline-${index}-${name}-${Math.random().toString(36).slice(2, 7)}`;
        return h("td", null, h("span", { class: "cell-label", "aria-hidden": "true" }, short),
          control, h("p", { class: "error", id: `${control.id}-error`, hidden: true }));
      };
      const n = index + 1;
      const item = h("select", null, h("option", { value: "" }, L("Línea propia", "Own line")),
        catalogue.map((it) => h("option", { value: it.id }, `${it.description} — ${money(it.unit_price, it.currency)}`)));
      const description = h("input", { maxlength: 200 });
      const quantity = h("input", { inputmode: "decimal", value: "1", size: 6 });
      const price = h("input", { inputmode: "decimal", size: 10 });
      const vat = h("select", null, h("option", { value: "item" }, L("Del ítem", "The item's")), options(vatRates(), "21"));
      const row = h("tr", null,
        cell(item, [L("Ítem", "Item"), L(`Ítem de la línea ${n}`, `Line ${n} item`)], "item"),
        cell(description, [L("Descripción", "Description"), L(`Descripción de la línea ${n}`, `Line ${n} description`)], "description"),
        cell(quantity, [L("Cantidad", "Quantity"), L(`Cantidad de la línea ${n}`, `Line ${n} quantity`)], "quantity"),
        cell(price, [L("Precio unitario", "Unit price"), L(`Precio unitario de la línea ${n}`, `Line ${n} unit price`)], "unit_price"),
        cell(vat, [L("IVA %", "VAT %"), L(`IVA de la línea ${n}`, `Line ${n} VAT`)], "vat_rate"),
        h("td", null, h("button", { type: "button", class: "link", "aria-label": L(`Quitar la línea ${n}`, `Remove line ${n}`),
          onclick: () => { if (lines.children.length > 1) { row.remove(); renumber(); } } }, L("Quitar", "Remove"))));
      // With an item the fields show its values as placeholders: empty means "the item's".
      const follow = () => {
        const chosen = catalogue.find((it) => it.id === item.value);
        description.placeholder = chosen ? chosen.description : "";
        price.placeholder = chosen ? chosen.unit_price.replace(".", ",") : "";
        vat.options[0].hidden = !chosen;
        if (!chosen && vat.value === "item") vat.value = "21";
        if (chosen && vat.value === "21") vat.value = "item";
      };
      item.addEventListener("change", follow);
      lines.append(row);
      follow();
      return row;
    }
    function renumber() {
      [...lines.children].forEach((row, i) => {
        for (const control of row.querySelectorAll("[data-param]")) control.dataset.param = `lines[${i}].${control.dataset.name}`;
      });
    }
    const amount = (text) => {
      const typed = text.trim();
      return typed ? parseAmount(typed) ?? typed : null; // not a number: sent as typed, so the 422 names the field
    };
    function body() {
      const value = (row, name) => row.querySelector(`[data-name=${name}]`).value;
      const days = terms.value.trim();
      const plan = {
        customer: customer.value, point_of_sale: Number(pointOfSale.value) || null, interval_months: Number(every.value),
        start_date: start.value || null, concept: concept.value, auto_issue: autoIssue.checked,
        lines: [...lines.children].map((row) => {
          const line = { quantity: amount(value(row, "quantity")) || "1" };
          if (value(row, "item")) line.item = value(row, "item");
          if (value(row, "description").trim()) line.description = value(row, "description").trim();
          if (amount(value(row, "unit_price"))) line.unit_price = amount(value(row, "unit_price"));
          const vat = value(row, "vat_rate");
          if (vat !== "item") line.vat_rate = vat || null;
          return line;
        }),
      };
      if (end.value) plan.end_date = end.value;
      if (days) plan.payment_terms_days = /^\d+$/.test(days) ? Number(days) : days;
      return plan;
    }

    submitter(form, submit, L("Creando…", "Creating…"), async () => {
      const created = await api("POST", "/v1/subscriptions", { body: body(), idempotencyKey });
      idempotencyKey = newIdempotencyKey();
      navigate(`/suscripciones/${created.id}`);
    }, box);

    main.append(heading(L("Nueva suscripción", "New subscription")),
      h("p", null, h("a", { href: "#/suscripciones" }, L("← Suscripciones", "← Subscriptions"))), form);
    try {
      const [customers, points, items] = await Promise.all([listAll("/v1/customers"), api("GET", "/v1/setup/points-of-sale"),
        listAll("/v1/items", { status: "active" })]);
      catalogue = items;
      customer.append(...customers.map((c) => h("option", { value: c.id }, `${c.name}${c.document_number ? ` (${c.document_number})` : ""}`)));
      pointOfSale.append(...points.data.filter((p) => p.enabled_for_web_services).map((p) =>
        h("option", { value: p.number }, `${String(p.number).padStart(5, "0")}${p.description ? ` — ${p.description}` : ""}`)));
      if (query.cliente) customer.value = query.cliente;
    } catch (error) {
      replace(box, error.message);
      box.hidden = false;
    }
    addLine();
    if (query.item) {
      lines.querySelector("[data-name=item]").value = query.item;
      lines.querySelector("[data-name=item]").dispatchEvent(new Event("change"));
    }
  },
};
