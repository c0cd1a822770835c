// Nuevo cobro: one payment with any mix of methods (cheques and withholdings with their data), allocated to open
// invoices automatically (oldest due first) or by hand; then the customer's balance as the server has it.
import { api, listAll, newIdempotencyKey } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { date, money, parseAmount, todayAR } from "../format.js";
import { L } from "../i18n.js";
import { paymentMethod, paymentMethods, voucherType } from "../labels.js";
import { alertBox, announce, busy, clearErrors, heading, showError, td, th } from "../ui.js";
import { newCustomerForm } from "./customer-form.js";

export default {
  path: "/cobros/nuevo",
  nav: () => L("Nuevo cobro", "New payment"),
  title: () => L("Nuevo cobro", "New payment"),
  async render(main, { query }) {
    let idempotencyKey = newIdempotencyKey();
    const numbers = new Map(); // inv_... -> "Factura A 00005-00000001", for the receipt
    const customer = h("select", { name: "customer" }, h("option", { value: "" }, L("Elegí un cliente", "Choose a customer")));
    const when = h("input", { type: "date", name: "date", value: todayAR(), max: todayAR() });
    const methods = h("div");
    const automatic = h("input", { type: "radio", name: "allocation", value: "auto", checked: true });
    const manual = h("input", { type: "radio", name: "allocation", value: "manual" });
    const openInvoices = h("div", { hidden: true });
    const box = alertBox();
    const submit = h("button", { type: "submit" }, L("Registrar cobro", "Record payment"));
    const result = h("div", { role: "status" });
    const form = h("form", { class: "card", novalidate: true }, box,
      h("fieldset", null, h("legend", null, L("Cliente", "Customer")),
        h("div", { class: "grid" }, h("div", { class: "wide" }, field(L("Cliente", "Customer"), customer, { param: "customer" })),
          field(L("Fecha del cobro", "Payment date"), when, { param: "date" })),
        newCustomerForm((created) => {
          customer.append(h("option", { value: created.id }, created.name));
          customer.value = created.id;
          loadOpen();
        })),
      h("fieldset", null, h("legend", null, L("Medios de pago", "Payment methods")), methods,
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => addMethod() }, L("Agregar medio de pago", "Add payment method")))),
      h("fieldset", { "data-param": "allocations", tabindex: "-1", id: "allocations" }, h("legend", null, L("Imputación", "Allocation")),
        h("div", { class: "field inline" }, automatic, h("label", { for: automatic.id = "alloc-auto" }, L("Automática: a las facturas más antiguas primero", "Automatic: oldest invoices first"))),
        h("div", { class: "field inline" }, manual, h("label", { for: manual.id = "alloc-manual" }, L("Manual: elijo cuánto va a cada factura", "By hand: I choose how much goes to each invoice"))),
        h("p", { class: "error", id: "allocations-error", hidden: true }),
        openInvoices),
      h("div", { class: "actions" }, submit), result);

    function addMethod() {
      const index = methods.children.length;
      const p = `methods[${index}]`;
      const method = h("select", { name: "method" }, options(paymentMethods(), "transfer"));
      const amount = h("input", { name: "amount", inputmode: "decimal" });
      const reference = h("input", { name: "reference" });
      const bank = h("input", { name: "bank" });
      const number = h("input", { name: "number" });
      const due = h("input", { type: "date", name: "due_date" });
      const certificate = h("input", { name: "certificate_number" });
      const cheque = h("div", { class: "grid", hidden: true },
        field(L("Banco", "Bank"), bank, { param: `${p}.bank` }), field(L("Número de cheque", "Cheque number"), number, { param: `${p}.number` }),
        field(L("Fecha de pago del cheque", "Cheque date"), due, { param: `${p}.due_date` }));
      const withholding = h("div", { class: "grid", hidden: true },
        field(L("Número de certificado de retención", "Withholding certificate number"), certificate, { param: `${p}.certificate_number` }));
      const remove = h("button", { type: "button", class: "link", onclick: () => methods.children.length > 1 && row.remove() }, L("Quitar", "Remove"));
      const row = h("fieldset", { class: "method" }, h("legend", null, L(`Medio ${index + 1}`, `Method ${index + 1}`)),
        h("div", { class: "grid" },
          field(L("Medio", "Method"), method, { param: `${p}.method` }),
          field(L("Importe", "Amount"), amount, { param: `${p}.amount`, hint: L("Ej.: 1.210,00", "E.g. 1.210,00") }),
          field(L("Referencia", "Reference"), reference, { param: `${p}.reference`, hint: L("N° de operación, autorización…", "Operation id, authorization…") })),
        cheque, withholding, remove);
      method.addEventListener("change", () => {
        cheque.hidden = method.value !== "cheque";
        withholding.hidden = !method.value.startsWith("withholding");
      });
      methods.append(row);
    }

    async function loadOpen() {
      replace(openInvoices);
      if (!customer.value) return;
      try {
        const invoices = (await listAll("/v1/invoices", { customer: customer.value, status: "authorized" }))
          .filter((i) => i.kind !== "credit_note" && Number(i.balance) > 0);
        if (!invoices.length) {
          openInvoices.append(h("p", { class: "muted" }, L("El cliente no tiene facturas pendientes: el cobro queda a cuenta (saldo a favor).", "The customer owes nothing: the payment becomes credit.")));
          return;
        }
        openInvoices.append(h("div", { class: "table-wrap" }, h("table", null,
          h("thead", null, h("tr", null, th(L("Comprobante", "Voucher")), th(L("Vencimiento", "Due")), th(L("Pendiente", "Outstanding"), "num"), th(L("Imputar", "Allocate"), "num"))),
          h("tbody", null, invoices.map((i) => {
            const input = h("input", { name: "allocation", inputmode: "decimal", "data-invoice": i.id, size: 10,
              "aria-label": L(`Importe a imputar a ${i.full_number}`, `Amount to allocate to ${i.full_number}`),
              value: query.factura === i.id ? i.balance.replace(".", ",") : "" });
            numbers.set(i.id, `${voucherType(i.voucher_type)} ${i.full_number}`);
            return h("tr", null, td(`${voucherType(i.voucher_type)} ${i.full_number}`), td(date(i.due_date)), td(money(i.balance), "num"), h("td", { class: "num" }, input));
          })))));
      } catch (error) {
        openInvoices.append(h("p", { class: "error" }, error.message));
      }
    }
    const sync = () => (openInvoices.hidden = !manual.checked);
    automatic.addEventListener("change", sync);
    manual.addEventListener("change", sync);
    customer.addEventListener("change", loadOpen);

    function body() {
      const amount = (text) => parseAmount(text) ?? text.trim();
      const b = {
        customer: customer.value, date: when.value || null,
        methods: [...methods.children].map((row) => {
          const v = (name) => row.querySelector(`[name=${name}]`).value.trim();
          const m = { method: v("method"), amount: amount(v("amount")), reference: v("reference") || null };
          if (m.method === "cheque") Object.assign(m, { bank: v("bank") || null, number: v("number") || null, due_date: v("due_date") || null });
          if (m.method.startsWith("withholding")) m.certificate_number = v("certificate_number") || null;
          return m;
        }),
      };
      if (manual.checked) {
        const inputs = [...openInvoices.querySelectorAll("input[data-invoice]")];
        for (const input of inputs) delete input.dataset.param;
        b.allocations = inputs.filter((i) => i.value.trim()).map((input, k) => {
          input.dataset.param = `allocations[${k}].amount`; // so a 422 about the k-th allocation lands on its input
          return { invoice: input.dataset.invoice, amount: amount(input.value) };
        });
      }
      return b;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, L("Registrando…", "Recording…"), async () => {
        clearErrors(form);
        replace(result);
        try {
          const payment = await api("POST", "/v1/payments", { body: body(), idempotencyKey });
          idempotencyKey = newIdempotencyKey();
          const statement = await api("GET", `/v1/customers/${payment.customer}/statement`).catch(() => null);
          replace(result, h("div", { class: "alert alert-ok" },
            h("h2", null, L(`Cobro registrado: recibo N° ${payment.receipt_number} por ${money(payment.total)}`, `Payment recorded: receipt #${payment.receipt_number} for ${money(payment.total)}`)),
            h("ul", null, payment.methods.map((m) => h("li", null, `${paymentMethod(m.method)}: ${money(m.amount)}${m.reference ? ` (${m.reference})` : ""}`))),
            payment.allocations.length ? h("p", null, L("Imputado: ", "Allocated: "), payment.allocations.map((a) => `${numbers.get(a.invoice) || a.invoice}: ${money(a.amount)}`).join(" · ")) : null,
            Number(payment.unallocated) ? h("p", null, L(`A cuenta (saldo a favor): ${money(payment.unallocated)}`, `On account (credit): ${money(payment.unallocated)}`)) : null,
            statement ? h("p", null, h("strong", null, L(`Saldo del cliente: ${money(statement.closing_balance)}`, `Customer balance: ${money(statement.closing_balance)}`))) : null,
            h("p", null, h("a", { href: `#/saldos/${payment.customer}` }, L("Ver estado de cuenta", "See the statement")))));
          announce(L("Cobro registrado.", "Payment recorded."));
          methods.replaceChildren(); // the next payment starts clean; the receipt above says what was recorded
          addMethod();
          loadOpen();
        } catch (error) {
          showError(form, error, box);
        }
      });
    });

    main.append(heading(L("Nuevo cobro", "New payment")), form);
    addMethod();
    try {
      for (const c of await listAll("/v1/customers")) customer.append(h("option", { value: c.id }, c.name));
      if (query.cliente) {
        customer.value = query.cliente;
        if (query.factura) {
          manual.checked = true;
          sync();
        }
        await loadOpen();
      }
    } catch (error) {
      box.textContent = error.message;
      box.hidden = false;
    }
  },
};
