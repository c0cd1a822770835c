// Corridas de facturación: every pass of the monthly billing over this account (the daily schedule, a catch-up or one
// started here), and one run's outcome: the invoices it made and why each other subscription was skipped or failed.
import { api, newIdempotencyKey } from "../api.js";
import { field, h, replace } from "../dom.js";
import { date, money, timestamp } from "../format.js";
import { L } from "../i18n.js";
import { arcaStatus, runOutcome, runReason, runStatus, runTrigger, voucherType } from "../labels.js";
import { alertBox, announce, badge, busy, heading, listLoader, pager, showError, td, th } from "../ui.js";

const PAGE = 20;
const POLL_MS = 1000;
const statusBadge = (run) => badge(run.status === "completed" ? (run.failed ? "bad" : "ok") : "pending", runStatus(run.status));
// A run's counts and its lists of invoices and problems are written one after the other, so a run may read
// "completed" a moment before its lists are complete: it is followed until they are.
const settled = (run) => run.status === "completed" && run.invoices.length >= Math.min(run.invoiced, 100)
  && run.problems.length >= Math.min(run.skipped + run.failed, 100);
const period = (key) => (key ? `${key.slice(5, 7)}/${key.slice(0, 4)}` : "—");

export default {
  async render(main, { navigate }) {
    const box = alertBox();
    const body = h("tbody");
    const upTo = h("input", { type: "month", name: "period" });
    const start = h("button", { type: "submit" }, L("Facturar ahora", "Bill now"));
    const startForm = h("form", { class: "card", "aria-label": L("Facturar ahora", "Bill now"), novalidate: true },
      h("div", { class: "grid" }, field(L("Hasta el período (opcional)", "Up to the period (optional)"), upTo, { param: "period",
        hint: L("Vacío: el mes actual. Nunca se factura dos veces el mismo período.", "Empty: this month. A period is never invoiced twice.") })),
      h("div", { class: "actions" }, start), alertBox());
    let idempotencyKey = newIdempotencyKey();
    startForm.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(start, L("Encolando…", "Queueing…"), async () => {
        try {
          const run = await api("POST", "/v1/billing-runs", { body: upTo.value ? { period: upTo.value } : {}, idempotencyKey });
          idempotencyKey = newIdempotencyKey();
          navigate(`/corridas/${run.id}`);
        } catch (error) {
          showError(startForm, error);
        }
      });
    });
    const pages = pager(async (after) => {
      const page = await api("GET", "/v1/billing-runs", { query: { limit: PAGE, starting_after: after } });
      replace(body, page.data.map((run) => h("tr", null,
        h("td", null, h("a", { href: `#/corridas/${run.id}` }, timestamp(run.created_at))),
        td(runTrigger(run.trigger)), h("td", null, statusBadge(run)), td(date(run.as_of)),
        td(String(run.invoiced), "num"), td(String(run.skipped), "num"), td(String(run.failed), "num"))));
      if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 7, class: "muted" }, L("Todavía no corrió la facturación.", "No billing run yet."))));
      return page;
    });
    main.append(heading(L("Corridas de facturación", "Billing runs")),
      h("p", { class: "muted" }, L("La facturación corre sola todos los días y factura los períodos que empezaron. También podés correrla ahora.",
        "The run happens by itself every day and bills the periods that have started. You can also run it now.")),
      startForm, box,
      h("div", { class: "card" }, h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { class: "visually-hidden" }, L("Corridas", "Runs")),
        h("thead", null, h("tr", null, th(L("Creada", "Created")), th(L("Origen", "Trigger")), th(L("Estado", "Status")),
          th(L("Factura al", "Bills as of")), th(L("Facturadas", "Invoiced"), "num"), th(L("Omitidas", "Skipped"), "num"), th(L("Fallidas", "Failed"), "num"))),
        body)), pages.el));
    await listLoader(pages, box)();
  },
};

export const billingRunDetail = {
  async render(main, { params }) {
    let stopped = false;
    const box = alertBox();
    const facts = h("dl", { class: "facts" });
    const state = h("p", { role: "status", class: "muted" });
    const invoices = h("tbody");
    const problems = h("tbody");
    const reasons = h("div");
    main.append(heading(L("Corrida de facturación", "Billing run")),
      h("p", null, h("a", { href: "#/corridas" }, L("← Corridas de facturación", "← Billing runs"))), box, state,
      h("section", { class: "card", "aria-labelledby": "run-summary" }, h("h2", { id: "run-summary" }, L("Resumen", "Summary")), facts, reasons),
      h("section", { class: "card", "aria-labelledby": "run-invoices" }, h("h2", { id: "run-invoices" }, L("Facturas emitidas", "Invoices made")),
        h("div", { class: "table-wrap" }, h("table", null,
          h("thead", null, h("tr", null, th(L("Comprobante", "Voucher")), th(L("Cliente", "Customer")), th(L("Período", "Period")),
            th(L("Total", "Total"), "num"), th(L("Estado ARCA", "ARCA status")))), invoices))),
      h("section", { class: "card", "aria-labelledby": "run-problems" }, h("h2", { id: "run-problems" }, L("Omitidas y fallidas", "Skipped and failed")),
        h("div", { class: "table-wrap" }, h("table", null,
          h("thead", null, h("tr", null, th(L("Suscripción", "Subscription")), th(L("Período", "Period")), th(L("Resultado", "Outcome")),
            th(L("Motivo", "Reason")), th(L("Detalle", "Detail")))), problems))));

    const shownInvoices = new Set();
    const draw = async (run) => {
      replace(facts,
        h("dt", null, L("Estado", "Status")), h("dd", { "data-testid": "run-status" }, statusBadge(run)),
        h("dt", null, L("Origen", "Trigger")), h("dd", null, runTrigger(run.trigger)),
        h("dt", null, L("Factura al", "Bills as of")), h("dd", null, date(run.as_of)),
        h("dt", null, L("Hasta el período", "Up to period")), h("dd", null, period(run.up_to_period)),
        h("dt", null, L("Facturadas", "Invoiced")), h("dd", { "data-testid": "run-invoiced" }, String(run.invoiced)),
        h("dt", null, L("Omitidas", "Skipped")), h("dd", null, String(run.skipped)),
        h("dt", null, L("Fallidas", "Failed")), h("dd", null, String(run.failed)),
        h("dt", null, L("Creada", "Created")), h("dd", null, timestamp(run.created_at)),
        h("dt", null, L("Terminada", "Completed")), h("dd", null, timestamp(run.completed_at)));
      const counted = [...Object.entries(run.skipped_reasons).map(([r, n]) => [L("omitidas", "skipped"), r, n]),
        ...Object.entries(run.failed_reasons).map(([r, n]) => [L("fallidas", "failed"), r, n])];
      replace(reasons, counted.length ? h("ul", { class: "small" }, counted.map(([what, r, n]) => h("li", null, `${n} ${what}: ${runReason(r)}`))) : null);
      replace(problems, run.problems.map((p) => h("tr", null,
        h("td", null, h("a", { href: `#/suscripciones/${p.subscription}` }, p.subscription)), td(period(p.period)),
        h("td", null, badge(p.outcome === "failed" ? "bad" : "pending", runOutcome(p.outcome))), td(runReason(p.reason)), td(p.message, "small"))));
      if (!run.problems.length) problems.append(h("tr", null, h("td", { colspan: 5, class: "muted" }, L("Ninguna.", "None."))));
      // The invoices the run made, each fetched once: the list shows what they are, not just their ids.
      for (const id of run.invoices) {
        if (shownInvoices.has(id)) continue;
        shownInvoices.add(id);
        const row = h("tr", null, h("td", { colspan: 5, class: "mono" }, id));
        invoices.append(row);
        api("GET", `/v1/invoices/${id}`).then((i) => replace(row,
          h("td", null, h("a", { href: `#/facturas/${i.id}` }, `${voucherType(i.voucher_type)} ${i.full_number || L("(sin número todavía)", "(no number yet)")}`)),
          td(i.receiver?.name || i.customer), td(period(i.period)), td(money(i.totals.total, i.currency), "num"),
          h("td", null, badge(i.status, arcaStatus(i.status)))), () => {});
      }
      for (const none of invoices.querySelectorAll("tr.none")) none.remove();
      if (!invoices.children.length) {
        invoices.append(h("tr", { class: "none" }, h("td", { colspan: 5, class: "muted" }, L("Ninguna.", "None."))));
      }
      state.textContent = settled(run)
        ? L("La corrida terminó.", "The run is complete.")
        : L("La corrida está en curso; esta página se actualiza sola.", "The run is under way; this page updates by itself.");
    };
    try {
      let run = await api("GET", `/v1/billing-runs/${params.id}`);
      await draw(run);
      (async () => {
        while (!stopped && !settled(run)) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          if (stopped) return;
          try {
            run = await api("GET", `/v1/billing-runs/${params.id}`);
            await draw(run);
            if (settled(run)) announce(state.textContent);
          } catch {
            // keep following: a blip is not the run's answer
          }
        }
      })();
    } catch (error) {
      replace(box, error.message);
      box.hidden = false;
    }
    return () => (stopped = true);
  },
};
