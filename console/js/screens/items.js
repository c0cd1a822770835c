// Ítems: the catalogue subscriptions pick lines from. The list (active or archived), and one form for a new item
// and for editing one; the description's placeholders are explained beside the field.
import { api, newIdempotencyKey } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { money, parseAmount, timestamp } from "../format.js";
import { L } from "../i18n.js";
import { itemStatus, vatRates } from "../labels.js";
import { alertBox, announce, badge, busy, countText, heading, listLoader, pager, showError, submitter, td, th } from "../ui.js";

const PAGE = 20;

// What each placeholder says for one example period (December 2026), as docs/subscriptions.md tabulates it.
// The server resolves them (from the billed period, in the customer's language); the subscription's upcoming
// invoice shows the real text. This table only illustrates, so the example below needs no calendar logic.
const EXAMPLE = () => [
  ["current month", L("diciembre 2026", "December 2026"), L("el mes del período facturado", "the billed period's month")],
  ["past month", L("noviembre 2026", "November 2026"), L("el mes anterior (abonos vencidos)", "the month before (billing in arrears)")],
  ["next month", L("enero 2027", "January 2027"), L("el mes siguiente", "the month after")],
  ["year", "2026", L("el año del período", "the period's year")],
  ["current date", "01/12/2026", L("el primer día del período", "the period's first day")],
  ["period start", "01/12/2026", L("el primer día del período", "the period's first day")],
  ["period end", "31/12/2026", L("el último día del período", "the period's last day")],
  ["period", "12/2026", L("mes y año del período", "the period's month and year")],
];
const TOKEN = /\[([^[\]]{1,40})\]/g;

/** The placeholders explained, with the description as it would read for the example period. */
export function placeholderHelp(input) {
  const example = h("p", { class: "example", role: "status", "aria-live": "polite" });
  const show = () => {
    const known = new Map(EXAMPLE().map(([token, value]) => [token, value]));
    const unknown = [];
    const text = input.value.replace(TOKEN, (whole, token) => {
      const value = known.get(token.trim().toLowerCase());
      if (value === undefined) unknown.push(whole);
      return value ?? whole;
    });
    replace(example, h("span", { class: "muted" }, L("Ejemplo, para el período que empieza el 01/12/2026: ", "Example, for the period starting 01/12/2026: ")),
      h("strong", { "data-testid": "description-example" }, text || "—"));
    if (unknown.length) {
      example.append(h("span", { class: "error" }, L(` · No se conoce ${unknown.join(", ")}: el servidor lo rechazará al guardar.`,
        ` · ${unknown.join(", ")} is unknown: the server will refuse it on save.`)));
    }
  };
  input.addEventListener("input", show);
  show();
  const rows = EXAMPLE().map(([token, value, meaning]) => h("tr", null,
    h("td", null, h("code", null, `[${token}]`)), td(meaning), td(value)));
  return h("details", { class: "placeholders", open: true },
    h("summary", null, L("Marcadores que se reemplazan al facturar", "Placeholders replaced when billing")),
    h("p", { class: "hint" }, L(
      "Se completan con el período que se factura (no con el día en que corre la facturación) y en el idioma del cliente. Escribilos entre corchetes, en mayúsculas o minúsculas.",
      "They are filled in from the billed period (not the day the run happens), in the customer's language. Write them in square brackets, in any letter case.")),
    h("div", { class: "table-wrap" }, h("table", { class: "compact" },
      h("caption", { class: "visually-hidden" }, L("Marcadores", "Placeholders")),
      h("thead", null, h("tr", null, th(L("Marcador", "Placeholder")), th(L("Qué pone", "What it puts")), th(L("Diciembre 2026", "December 2026")))),
      h("tbody", null, rows))),
    example);
}

export default {
  async render(main) {
    const status = h("select", { name: "status" }, options([["active", L("Activos", "Active")], ["archived", L("Archivados", "Archived")]], "active"));
    const filters = h("form", { class: "card filters", role: "search", "aria-label": L("Filtros", "Filters") },
      field(L("Estado", "Status"), status, { param: "status" }),
      h("div", { class: "field" }, h("button", { type: "submit" }, L("Filtrar", "Filter"))));
    const box = alertBox();
    const count = h("p", { role: "status", class: "muted" });
    const body = h("tbody");
    const pages = pager(async (after) => {
      const page = await api("GET", "/v1/items", { query: { limit: PAGE, starting_after: after, status: status.value } });
      replace(body, page.data.map((item) => h("tr", null,
        h("td", null, h("a", { href: `#/items/${item.id}` }, item.description), h("div", { class: "small muted mono" }, item.id)),
        td(money(item.unit_price, item.currency), "num"),
        td(item.vat_rate == null ? L("Sin IVA", "No VAT") : (vatRates().find(([v]) => v === item.vat_rate) || [0, item.vat_rate])[1]),
        td(item.unit || "—"),
        h("td", null, badge(item.status === "active" ? "ok" : "muted", itemStatus(item.status))),
        td(timestamp(item.updated_at)))));
      if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 6, class: "muted" }, L("No hay ítems.", "No items."))));
      count.textContent = countText(page, ["ítem", "item"], ["ítems", "items"]);
      return page;
    });
    main.append(heading(L("Ítems", "Items")),
      h("p", { class: "muted" }, L("Lo que facturás todos los meses. Una suscripción copia el ítem al crearse: cambiar o archivar un ítem no cambia las suscripciones que ya lo usan.",
        "What you bill every month. A subscription copies the item when it is made: editing or archiving an item never changes the subscriptions already using it.")),
      h("div", { class: "actions" }, h("a", { href: "#/items/nuevo" }, L("Nuevo ítem", "New item"))),
      filters, box, count,
      h("div", { class: "card" }, h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { class: "visually-hidden" }, L("Ítems", "Items")),
        h("thead", null, h("tr", null, th(L("Descripción", "Description")), th(L("Precio unitario", "Unit price"), "num"),
          th(L("IVA", "VAT")), th(L("Unidad", "Unit")), th(L("Estado", "Status")), th(L("Actualizado", "Updated")))),
        body)), pages.el));
    await listLoader(pages, box, { filters, count })();
  },
};

/** Nuevo ítem (`/items/nuevo`) and editing one (`/items/itm_...`): the same form, POST or PATCH. */
export const itemForm = {
  async render(main, { params, navigate }) {
    const creating = params.id === "nuevo";
    let item = null;
    const box = alertBox();
    const description = h("input", { name: "description", required: true, maxlength: 200 });
    const price = h("input", { name: "unit_price", inputmode: "decimal", required: true });
    const vat = h("select", { name: "vat_rate" }, options(vatRates(), "21"));
    const unit = h("input", { name: "unit", maxlength: 30 });
    const currency = h("input", { name: "currency", value: "PES", maxlength: 3, size: 4 });
    const submit = h("button", { type: "submit" }, creating ? L("Crear ítem", "Create item") : L("Guardar cambios", "Save changes"));
    const archive = h("button", { type: "button", class: "secondary", hidden: creating }, L("Archivar", "Archive"));
    const saved = h("p", { role: "status", class: "alert alert-ok", hidden: true });
    const title = h("h1", { tabindex: "-1" }, creating ? L("Nuevo ítem", "New item") : L("Ítem", "Item"));
    const help = placeholderHelp(description);
    const form = h("form", { class: "card", novalidate: true }, box,
      field(L("Descripción", "Description"), description, { param: "description",
        hint: L("Puede llevar marcadores como [current month]: mirá la tabla de abajo.", "May hold placeholders such as [current month]: see the table below.") }),
      help,
      h("div", { class: "grid spaced" },
        field(L("Precio unitario (sin IVA)", "Unit price (without VAT)"), price, { param: "unit_price" }),
        field(L("IVA", "VAT"), vat, { param: "vat_rate", hint: L("En factura C, «Sin IVA».", "On invoice C, «No VAT».") }),
        field(L("Unidad", "Unit"), unit, { param: "unit", hint: L("Opcional (mes, hora…).", "Optional (month, hour…).") }),
        field(L("Moneda", "Currency"), currency, { param: "currency", hint: L("PES, DOL…", "PES, DOL…") })),
      h("div", { class: "actions" }, submit, archive), saved);
    main.append(h("div", { class: "heading" }, title), h("p", null, h("a", { href: "#/items" }, L("← Ítems", "← Items"))), form);

    const fill = (it) => {
      item = it;
      description.value = it.description;
      description.dispatchEvent(new Event("input"));
      price.value = it.unit_price;
      vat.value = it.vat_rate ?? "";
      unit.value = it.unit || "";
      currency.value = it.currency;
      title.textContent = it.status === "archived" ? L(`Ítem archivado: ${it.description}`, `Archived item: ${it.description}`) : L(`Ítem: ${it.description}`, `Item: ${it.description}`);
      const archived = it.status === "archived";
      for (const control of form.querySelectorAll("input, select")) control.disabled = archived;
      submit.hidden = archived;
      archive.hidden = archived;
      if (archived) {
        replace(box, L("Un ítem archivado no se puede editar; las suscripciones que lo usan lo siguen facturando.",
          "An archived item cannot be edited; subscriptions using it keep billing it."));
        box.className = "alert alert-info";
        box.hidden = false;
      }
    };
    if (!creating) {
      try {
        fill(await api("GET", `/v1/items/${params.id}`));
      } catch (error) {
        showError(form, error, box);
        submit.disabled = true;
      }
    }

    let idempotencyKey = newIdempotencyKey();
    const body = () => {
      const typed = price.value.trim();
      return {
        description: description.value.trim(), unit_price: parseAmount(typed) ?? typed,
        vat_rate: vat.value || null, unit: unit.value.trim() || null, currency: currency.value.trim().toUpperCase() || "PES",
      };
    };
    submitter(form, submit, L("Guardando…", "Saving…"), async () => {
      saved.hidden = true;
      if (creating) {
        const created = await api("POST", "/v1/items", { body: body(), idempotencyKey });
        idempotencyKey = newIdempotencyKey();
        announce(L(`Ítem ${created.description} creado.`, `Item ${created.description} created.`));
        navigate("/items");
      } else {
        fill(await api("PATCH", `/v1/items/${item.id}`, { body: body() }));
        saved.textContent = L("Cambios guardados. Las suscripciones nuevas usan estos valores; las que ya existen conservan los suyos.",
          "Changes saved. New subscriptions use these values; existing ones keep theirs.");
        saved.hidden = false;
      }
    }, box);
    archive.addEventListener("click", () => busy(archive, L("Archivando…", "Archiving…"), async () => {
      try {
        fill(await api("POST", `/v1/items/${item.id}/archive`));
        announce(L("Ítem archivado.", "Item archived."));
      } catch (error) {
        showError(form, error, box);
      }
    }));
  },
};
