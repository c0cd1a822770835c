// Nueva factura: client, lines (typed or picked from the items), the totals the server computes (POST
// /v1/invoices/preview), then Emitir and follow the voucher to its CAE. Nothing typed is lost on an error; one
// Idempotency-Key per voucher makes a retry safe. With ?nota=inv_... it is a credit note for that invoice: its
// customer, point of sale and lines copied (the whole amount; lines can be lowered or removed for a partial one).
import { api, listAll, newIdempotencyKey } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { date, money, parseAmount, todayAR } from "../format.js";
import { L } from "../i18n.js";
import { concepts, vatRates, voucherType } from "../labels.js";
import { alertBox, announce, busy, clearErrors, heading, showError } from "../ui.js";
import { arcaCell, openPdf } from "./billing.js";
import { newCustomerForm } from "./customer-form.js";

const POLL_MS = 1000;
const FOLLOW_FOR_MS = 120000;

export default {
  path: "/facturas/nueva",
  nav: () => L("Nueva factura", "New invoice"),
  title: () => L("Nueva factura", "New invoice"),
  async render(main, { query }) {
    let stopped = false;
    let idempotencyKey = newIdempotencyKey();
    let credited = null; // the invoice a credit note is for
    const catalogue = new Map(); // item id -> item
    const item = h("select", { name: "item" }, h("option", { value: "" }, L("Elegí un ítem", "Choose an item")));
    const addItem = h("button", { type: "button", class: "secondary", onclick: () => pickItem() }, L("Agregar ítem", "Add item"));
    item.id = "item-pick";
    item.setAttribute("aria-describedby", "item-pick-hint");
    const picker = h("div", null, h("div", { class: "item-picker" }, field(L("Ítem del catálogo", "Catalogue item"), item), addItem),
      h("p", { class: "hint", id: "item-pick-hint" }, L(
        "Completa descripción, precio, IVA y unidad. Los marcadores ([current month]…) los reemplaza el servidor con el período de servicio, o con la fecha del comprobante, en el idioma del cliente: debajo de la descripción se ve cómo quedará.",
        "Fills in description, price, VAT and unit. The server replaces placeholders ([current month]…) from the service period, or the voucher's date, in the customer's language: how it will read shows under the description.")));
    const customer = h("select", { name: "customer", required: true }, h("option", { value: "" }, L("Elegí un cliente", "Choose a customer")));
    const pointOfSale = h("select", { name: "point_of_sale" });
    const concept = h("select", { name: "concept" }, options(concepts(), "products"));
    const serviceStart = h("input", { type: "date", name: "service_start" });
    const serviceEnd = h("input", { type: "date", name: "service_end" });
    const paymentDue = h("input", { type: "date", name: "payment_due" });
    const servicePeriod = h("div", { class: "grid", hidden: true },
      field(L("Servicio desde", "Service from"), serviceStart, { param: "service_start" }),
      field(L("Servicio hasta", "Service to"), serviceEnd, { param: "service_end" }));
    const letter = h("p", { class: "hint", role: "status" });
    const lines = h("tbody");
    const totals = h("dl");
    const computing = h("p", { class: "hint", role: "status" },
      L("Completá cliente y líneas para ver los totales.", "Fill in the customer and lines to see the totals."));
    const box = alertBox();
    const submit = h("button", { type: "submit" }, L("Emitir", "Issue"));
    const result = h("div", { role: "status", "aria-live": "polite" });
    const form = h("form", { class: "card", novalidate: true },
      box,
      h("fieldset", null, h("legend", null, L("Cliente", "Customer")),
        field(L("Cliente", "Customer"), customer, { param: "customer" }),
        newCustomerForm((created) => {
          customer.append(h("option", { value: created.id }, `${created.name}${created.document_number ? ` (${created.document_number})` : ""}`));
          customer.value = created.id;
          announce(L(`Cliente ${created.name} creado y elegido.`, `Customer ${created.name} created and chosen.`));
          schedulePreview();
        })),
      h("fieldset", null, h("legend", null, L("Comprobante", "Voucher")),
        h("div", { class: "grid" },
          field(L("Punto de venta", "Point of sale"), pointOfSale, { param: "point_of_sale" }),
          field(L("Concepto", "Concept"), concept, { param: "concept" }),
          field(L("Vencimiento del pago", "Payment due"), paymentDue, { param: "payment_due",
            hint: L("Si lo dejás vacío, se usan los días de pago del cliente.", "Empty: the customer's payment terms.") })),
        servicePeriod, letter),
      h("fieldset", null, h("legend", null, L("Líneas", "Lines")), picker,
        h("div", { class: "table-wrap" }, h("table", { class: "lines" },
          h("thead", null, h("tr", null, ...[L("Descripción", "Description"), L("Cantidad", "Quantity"), L("Unidad", "Unit"),
            L("Precio unitario", "Unit price"), L("IVA %", "VAT %"), L("Importe neto", "Net amount"), ""].map((t) => h("th", { scope: "col" }, t)))),
          lines)),
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => addLine() }, L("Agregar línea", "Add line")))),
      h("div", { class: "totals card", "aria-label": L("Totales", "Totals"), role: "group" },
        h("h2", null, L("Totales", "Totals")), totals, computing),
      h("div", { class: "actions" }, submit),
      result);

    function addLine(values = {}) {
      const index = lines.children.length;
      const cell = (control, [short, label], param) => {
        control.setAttribute("aria-label", label);
        control.dataset.param = param;
        control.id = `line-${index}-${param.split(".").pop()}-${Math.random().toString(36).slice(2, 7)}`;
        // The column header names it on wide screens; on a phone the header row is hidden and this shows instead.
        return h("td", null, h("span", { class: "cell-label", "aria-hidden": "true" }, short),
          control, h("p", { class: "error", id: `${control.id}-error`, hidden: true }));
      };
      const p = `lines[${index}]`;
      const description = h("input", { name: "description", value: values.description || "" });
      const descriptionCell = cell(description, [L("Descripción", "Description"), L(`Descripción de la línea ${index + 1}`, `Line ${index + 1} description`)], `${p}.description`);
      // The description as the server will issue it, placeholders resolved: shown (and read out with the field) when it differs.
      const resolved = h("p", { class: "hint line-resolved", id: `${description.id}-resolved`, hidden: true });
      description.setAttribute("aria-describedby", resolved.id);
      descriptionCell.append(resolved);
      const row = h("tr", null,
        descriptionCell,
        cell(h("input", { name: "quantity", inputmode: "decimal", value: values.quantity || "1", size: 6 }), [L("Cantidad", "Quantity"), L(`Cantidad de la línea ${index + 1}`, `Line ${index + 1} quantity`)], `${p}.quantity`),
        cell(h("input", { name: "unit", value: values.unit || "", size: 6 }), [L("Unidad", "Unit"), L(`Unidad de la línea ${index + 1}`, `Line ${index + 1} unit`)], `${p}.unit`),
        cell(h("input", { name: "unit_price", inputmode: "decimal", value: values.unit_price || "", size: 10 }), [L("Precio unitario", "Unit price"), L(`Precio unitario de la línea ${index + 1}`, `Line ${index + 1} unit price`)], `${p}.unit_price`),
        cell(h("select", { name: "vat_rate" }, options(vatRates(), values.vat_rate ?? "21")), [L("IVA %", "VAT %"), L(`IVA de la línea ${index + 1}`, `Line ${index + 1} VAT`)], `${p}.vat_rate`),
        h("td", { class: "num line-net" }, "—"),
        h("td", null, h("button", { type: "button", class: "link", "aria-label": L(`Quitar la línea ${index + 1}`, `Remove line ${index + 1}`),
          onclick: () => { if (lines.children.length > 1) { row.remove(); renumber(); schedulePreview(); } } }, L("Quitar", "Remove"))));
      lines.append(row);
      return row;
    }

    function pickItem() {
      const chosen = catalogue.get(item.value);
      if (!chosen) {
        item.focus();
        announce(L("Elegí un ítem primero.", "Choose an item first."));
        return;
      }
      // The item's text goes as it is: the server resolves its placeholders, and the preview shows the result.
      const values = {
        description: chosen.description, quantity: "1", unit: chosen.unit || "",
        unit_price: chosen.unit_price.replace(".", ","), vat_rate: chosen.vat_rate ?? "",
      };
      const last = lines.lastElementChild;
      // An untouched last line is taken by the item rather than left empty above it.
      if (last && !last.querySelector("[name=description]").value.trim() && !last.querySelector("[name=unit_price]").value.trim()) last.remove();
      const row = addLine(values);
      item.value = "";
      row.querySelector("[name=quantity]").focus();
      announce(L(`Línea agregada: ${values.description}.`, `Line added: ${values.description}.`));
      schedulePreview();
    }
    function renumber() {
      [...lines.children].forEach((row, i) => {
        for (const control of row.querySelectorAll("[data-param]")) control.dataset.param = control.dataset.param.replace(/^lines\[\d+\]/, `lines[${i}]`);
      });
    }
    const amount = (text) => parseAmount(text) ?? text.trim(); // unparseable text goes as typed: the API names the field

    function body() {
      return {
        ...(credited ? { kind: "credit_note", associated_vouchers: [{ invoice: credited.id }] } : {}),
        customer: customer.value, point_of_sale: Number(pointOfSale.value), concept: concept.value,
        service_start: concept.value === "products" ? null : serviceStart.value || null,
        service_end: concept.value === "products" ? null : serviceEnd.value || null,
        payment_due: paymentDue.value || null,
        lines: [...lines.children].map((row) => {
          const v = (name) => row.querySelector(`[name=${name}]`).value;
          return { description: v("description").trim(), quantity: amount(v("quantity")), unit: v("unit").trim() || null,
            unit_price: amount(v("unit_price")), vat_rate: v("vat_rate") || null };
        }),
      };
    }
    const ready = (b) => b.customer && b.point_of_sale && b.lines.every((l) => l.description && l.quantity && l.unit_price);

    let timer = null;
    let sequence = 0;
    let previewed = null; // the body of the last preview: a blur that changed nothing asks nothing
    let previewedLines = null; // its lines as the server computed them
    function schedulePreview() {
      clearTimeout(timer);
      timer = setTimeout(preview, 350);
    }
    async function preview() {
      const b = body();
      if (!ready(b)) {
        showResolved(null);
        computing.textContent = L("Completá cliente y líneas para ver los totales.", "Fill in the customer and lines to see the totals.");
        return;
      }
      const asked = JSON.stringify(b);
      if (asked === previewed) {
        showResolved(previewedLines); // a description typed back to what was previewed
        return;
      }
      previewed = asked;
      const mine = ++sequence;
      computing.textContent = L("Calculando…", "Computing…");
      try {
        const computed = await api("POST", "/v1/invoices/preview", { body: b });
        if (mine !== sequence || stopped) return;
        clearErrors(form);
        showTotals(computed);
      } catch (error) {
        if (mine !== sequence || stopped) return;
        previewed = previewedLines = null; // ask again next time, even for the same body
        showResolved(null);
        computing.textContent = L("No se pudo calcular: ", "Could not compute: ") + error.message;
        if (error.status === 422) showError(form, error, box, { focus: false });
      }
    }
    /** Under each line whose placeholders the server resolved, the description it will issue (none: nothing known yet). */
    function showResolved(computedLines) {
      [...lines.children].forEach((row, i) => {
        const typed = row.querySelector("[name=description]").value.trim();
        const issued = computedLines?.[i]?.description;
        const note = row.querySelector(".line-resolved");
        note.hidden = !issued || issued === typed;
        note.textContent = note.hidden ? "" : L(`Se emitirá: ${issued}`, `Will be issued as: ${issued}`);
      });
    }
    function showTotals(c) {
      const t = c.totals;
      letter.textContent = L(`Se emitirá ${voucherType(c.voucher_type)} (según las condiciones de IVA del emisor y del cliente), fecha ${date(c.date)}.`,
        `It will be a ${voucherType(c.voucher_type)} (from the issuer's and the customer's VAT conditions), dated ${date(c.date)}.`);
      [...lines.children].forEach((row, i) => (row.querySelector(".line-net").textContent = c.lines[i] ? money(c.lines[i].net) : "—"));
      previewedLines = c.lines;
      showResolved(c.lines);
      const rows = [[L("Neto gravado", "Net taxed"), t.net_taxed]];
      if (Number(t.discount)) rows.unshift([L("Descuento", "Discount"), `-${t.discount}`]);
      if (Number(t.not_taxed)) rows.push([L("No gravado", "Not taxed"), t.not_taxed]);
      if (Number(t.exempt)) rows.push([L("Exento", "Exempt"), t.exempt]);
      for (const vat of t.vat_breakdown) rows.push([L(`IVA ${vat.rate.replace(".", ",")} %`, `VAT ${vat.rate} %`), vat.amount]);
      if (!t.vat_breakdown.length) rows.push([L("IVA", "VAT"), t.vat]);
      if (Number(t.tributes)) rows.push([L("Otros tributos", "Other taxes"), t.tributes]);
      replace(totals, rows.flatMap(([label, value]) => [h("dt", null, label), h("dd", null, money(value, c.currency))]),
        h("dt", { class: "grand" }, L("Total", "Total")), h("dd", { class: "grand", "data-testid": "total" }, money(t.total, c.currency)));
      computing.textContent = L("Calculado por el servidor, como lo verá ARCA.", "Computed by the server, as ARCA will see it.");
    }

    concept.addEventListener("change", () => (servicePeriod.hidden = concept.value === "products"));
    lines.addEventListener("input", (event) => {
      if (event.target.name === "description") { // what the server made of the old text no longer holds
        const note = event.target.closest("tr").querySelector(".line-resolved");
        note.hidden = true;
        note.textContent = "";
      }
    });
    form.addEventListener("input", (event) => { if (!event.target.closest(".new-customer")) schedulePreview(); });
    form.addEventListener("change", (event) => { if (!event.target.closest(".new-customer")) schedulePreview(); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, L("Emitiendo…", "Issuing…"), async () => {
        clearErrors(form);
        replace(result);
        try {
          const created = await api("POST", "/v1/invoices", { body: body(), idempotencyKey });
          idempotencyKey = newIdempotencyKey(); // the next one is another voucher
          follow(created);
        } catch (error) {
          showError(form, error, box);
        }
      });
    });

    async function follow(invoice) {
      const deadline = Date.now() + FOLLOW_FOR_MS;
      const panel = h("div", { class: "card" });
      result.replaceChildren(panel);
      while (!stopped) {
        draw(panel, invoice);
        const waitingPdf = invoice.status === "authorized" && invoice.pdf_status !== "ready" && invoice.pdf_status !== "failed";
        if ((invoice.status !== "pending" && !waitingPdf) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        try {
          invoice = await api("GET", `/v1/invoices/${invoice.id}`);
        } catch {
          // keep following: a blip is not an answer from ARCA
        }
      }
    }
    function draw(panel, invoice) {
      const pdfArea = h("div", { class: "small" });
      const facts = h("table", null, h("tbody", null, h("tr", null, h("th", { scope: "row" }, L("ARCA", "ARCA")), arcaCell(invoice))));
      const lead = {
        pending: L("Enviada a ARCA. Esperando el CAE…", "Sent to ARCA. Waiting for the CAE…"),
        authorized: L(`Autorizada por ARCA: ${voucherType(invoice.voucher_type)} ${invoice.full_number}.`, `Authorized by ARCA: ${voucherType(invoice.voucher_type)} ${invoice.full_number}.`),
        rejected: L("ARCA rechazó el comprobante. Corregí los datos y volvé a emitir.", "ARCA rejected the voucher. Fix the data and issue it again."),
        failed: L("No se pudo autorizar el comprobante.", "The voucher could not be authorized."),
      }[invoice.status] || invoice.status;
      const actions = h("div", { class: "actions" });
      if (invoice.status === "authorized") {
        const pdfButton = h("button", { type: "button", class: "secondary", disabled: invoice.pdf_status !== "ready",
          onclick: () => openPdf(invoice, pdfArea) }, invoice.pdf_status === "ready" ? L("Descargar PDF", "Download PDF") : L("Generando PDF…", "Rendering PDF…"));
        actions.append(pdfButton,
          invoice.kind === "credit_note" ? null
            : h("a", { href: `#/cobros/nuevo?cliente=${invoice.customer}&factura=${invoice.id}` }, L("Registrar cobro", "Record payment")),
          h("a", { href: `#/facturas/${invoice.id}` }, L("Ver el comprobante", "See the voucher")),
          h("a", { href: "#/facturacion" }, L("Ver en Facturación", "See in Billing")));
      }
      replace(panel, h("h2", null, lead), facts, actions, pdfArea);
    }

    const title = heading(L("Nueva factura", "New invoice"));
    main.append(title, form);
    // The catalogue loads beside the rest; without it the lines are typed by hand, as before.
    const items = listAll("/v1/items", { status: "active" }).then((all) => {
      // The form issues in pesos: an item priced in another currency is billed from its own voucher, not picked here.
      for (const it of all.filter((i) => i.currency === "PES")) {
        catalogue.set(it.id, it);
        item.append(h("option", { value: it.id }, `${it.description} — ${money(it.unit_price)}${it.unit ? ` / ${it.unit}` : ""}`));
      }
      if (!catalogue.size) picker.hidden = true;
    }, () => (picker.hidden = true));
    try {
      const [customers, points, note] = await Promise.all([listAll("/v1/customers"), api("GET", "/v1/setup/points-of-sale"),
        query.nota ? api("GET", `/v1/invoices/${query.nota}`) : null, items]);
      customer.append(...customers.map((c) => h("option", { value: c.id }, `${c.name}${c.document_number ? ` (${c.document_number})` : ""}`)));
      pointOfSale.append(...points.data.filter((p) => p.enabled_for_web_services).map((p) =>
        h("option", { value: p.number }, `${String(p.number).padStart(5, "0")}${p.description ? ` — ${p.description}` : ""}`)));
      if (!points.data.length) {
        box.append(L("Primero agregá un punto de venta en Configuración.", "Add a point of sale in Setup first."));
        box.hidden = false;
      }
      if (query.cliente) customer.value = query.cliente;
      if (note) creditNoteFor(note);
      else addLine();
    } catch (error) {
      if (!lines.children.length) addLine();
      box.textContent = error.message;
      box.hidden = false;
    }
    /** A credit note for `invoice`: the same customer, point of sale, concept and period, its lines to adjust. */
    function creditNoteFor(invoice) {
      credited = invoice;
      const label = `${voucherType(invoice.voucher_type)} ${invoice.full_number || ""}`.trim();
      replace(title.querySelector("h1"), L(`Nota de crédito para ${label}`, `Credit note for ${label}`));
      title.append(h("p", { class: "muted" }, L(
        "Anula la factura o parte de ella: dejá las líneas como están para el total, o bajá cantidades y precios para una nota parcial. ARCA la autoriza como cualquier comprobante.",
        "Cancels the invoice or part of it: keep the lines for the whole amount, or lower quantities and prices for a partial note. ARCA authorizes it like any voucher."),
      " ", h("a", { href: `#/facturas/${invoice.id}` }, L("Volver al comprobante", "Back to the voucher"))));
      customer.value = invoice.customer;
      customer.disabled = true;
      form.querySelector(".new-customer")?.remove();
      pointOfSale.value = String(invoice.point_of_sale);
      pointOfSale.disabled = true;
      concept.value = invoice.concept;
      serviceStart.value = invoice.service_start || "";
      serviceEnd.value = invoice.service_end || "";
      servicePeriod.hidden = invoice.concept === "products";
      paymentDue.value = invoice.payment_due || invoice.due_date || ""; // ARCA asks a services note for one too
      picker.hidden = true;
      const rate = (v) => (v == null ? "" : Number.isNaN(Number(v)) ? v : String(Number(v)));
      for (const l of invoice.lines) {
        addLine({ description: l.description, quantity: String(l.quantity).replace(".", ","), unit: l.unit || "",
          unit_price: String(l.unit_price).replace(".", ","), vat_rate: rate(l.vat_rate) });
      }
    }
    paymentDue.min = todayAR();
    schedulePreview();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  },
};
