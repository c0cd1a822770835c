// Webhooks (Configuración → Webhooks): the endpoints events are POSTed to, signed (Standard Webhooks). The list and a
// form for a new one; one endpoint with its deliveries, enable/disable, a new secret and redelivering an event. A
// signing secret is in the API's answer only once (on create and on rotation): it is shown then, never again.
import { api } from "../api.js";
import { field, h, options, replace } from "../dom.js";
import { timestamp } from "../format.js";
import { L } from "../i18n.js";
import { alertBox, announce, badge, busy, confirmDialog, countText, deletesOnConfirm, heading, listLoader, pager, scroller, submitter, td, th } from "../ui.js";

const PAGE = 20;
const EVENT_TYPES = () => [
  ["invoice.authorized", L("ARCA autorizó una factura", "ARCA authorized an invoice")],
  ["invoice.rejected", L("ARCA rechazó un comprobante", "ARCA rejected a voucher")],
  ["invoice.failed", L("Un comprobante no se pudo autorizar", "A voucher could not be authorized")],
  ["invoice.pdf_ready", L("El PDF está listo", "The PDF is ready")],
  ["invoice.paid", L("Una factura quedó pagada", "An invoice was paid off")],
  ["invoice.overdue", L("Una factura venció impaga", "An invoice became overdue")],
  ["credit_note.authorized", L("ARCA autorizó una nota de crédito", "ARCA authorized a credit note")],
  ["debit_note.authorized", L("ARCA autorizó una nota de débito", "ARCA authorized a debit note")],
  ["payment.created", L("Se registró un cobro", "A payment was recorded")],
  ["payment.voided", L("Se anuló un cobro", "A payment was voided")],
  ["subscription.invoiced", L("Una suscripción se facturó", "A subscription was invoiced")],
  ["billing_run.completed", L("Terminó una corrida de facturación", "A billing run completed")],
  ["webhook_endpoint.disabled", L("Se desactivó un endpoint", "An endpoint was disabled")],
];
const deliveryStatus = (code) => ({ pending: L("Pendiente", "Pending"), succeeded: L("Entregado", "Delivered"), failed: L("Falló", "Failed") })[code] || code;
const deliveryBadge = (code) => badge({ succeeded: "ok", failed: "bad" }[code] || "pending", deliveryStatus(code));
const endpointBadge = (e) => (e.enabled ? badge("ok", L("Activo", "Enabled")) : badge("bad", L("Desactivado", "Disabled")));
const events = (list) => (list.includes("*") ? L("Todos los eventos", "Every event") : list.join(", "));
const wide = (el) => (el.classList.add("wide"), el);
const back = () => h("p", null, h("a", { href: "#/configuracion/webhooks" }, L("← Webhooks", "← Webhooks")));

/** The secret, once: to copy now, with why it is not shown again. */
function secretPanel(secret, lead) {
  const value = h("code", { class: "mono", "data-testid": "secret" }, secret);
  const copy = h("button", { type: "button", class: "secondary",
    onclick: () => navigator.clipboard.writeText(secret).then(() => announce(L("Secreto copiado.", "Secret copied.")), () => announce(secret)) },
  L("Copiar secreto", "Copy secret"));
  return h("div", { class: "alert alert-ok", role: "status" },
    h("p", null, h("strong", null, lead), " ", L("Guardalo ahora en tu sistema: no se vuelve a mostrar. Con él verificás la firma (webhook-signature) de cada envío.",
      "Keep it in your system now: it is not shown again. It verifies each delivery's signature (webhook-signature).")),
    h("p", null, value), h("div", { class: "actions" }, copy));
}

/** Every type as a checkbox, and "every event" ("*"), which the API takes alone. */
function eventPicker(selected = []) {
  const all = selected.includes("*");
  const every = h("input", { type: "checkbox", name: "enabled_events", value: "*", checked: all });
  const boxes = EVENT_TYPES().map(([type, label]) => field(h("span", null, h("code", null, type), " — ", label),
    h("input", { type: "checkbox", name: "enabled_events", value: type, checked: !all && selected.includes(type), disabled: all }), { inline: true }));
  every.addEventListener("change", () => {
    for (const box of boxes) {
      const input = box.querySelector("input");
      input.disabled = every.checked;
      if (every.checked) input.checked = false;
    }
  });
  const error = h("p", { class: "error", id: "enabled-events-error", hidden: true });
  // The fieldset stands for the list in the API's errors (param enabled_events, or enabled_events[3]).
  const set = h("fieldset", { id: "enabled-events", "data-param": "enabled_events", tabindex: "-1" },
    h("legend", null, L("Eventos que recibe", "Events it receives")),
    field(L("Todos los eventos (también los que se agreguen)", "Every event (new ones too)"), every, { inline: true }),
    h("div", { class: "event-types" }, boxes), error);
  return set;
}
const chosenEvents = (form) => [...form.querySelectorAll("input[name=enabled_events]:checked")].map((i) => i.value);

export default {
  async render(main) {
    const box = alertBox();
    const count = h("p", { role: "status", class: "muted" });
    const body = h("tbody");
    const created = h("div");
    const pages = pager(async (after) => {
      const page = await api("GET", "/v1/webhook-endpoints", { query: { limit: PAGE, starting_after: after } });
      replace(body, page.data.map((e) => h("tr", null,
        h("td", null, h("a", { href: `#/configuracion/webhooks/${e.id}` }, e.url), e.description ? h("div", { class: "small muted" }, e.description) : null),
        td(events(e.enabled_events), "small"),
        h("td", null, endpointBadge(e), e.disabled_reason ? h("div", { class: "small muted" }, e.disabled_reason) : null),
        td(timestamp(e.created_at)))));
      if (!page.data.length) body.append(h("tr", null, h("td", { colspan: 4, class: "muted" }, L("Todavía no hay endpoints.", "No endpoints yet."))));
      count.textContent = countText(page, ["endpoint", "endpoint"], ["endpoints", "endpoints"]);
      return page;
    });
    const load = listLoader(pages, box);

    const url = h("input", { name: "url", type: "url", required: true, placeholder: "https://", autocomplete: "url" });
    const description = h("input", { name: "description", maxlength: 200 });
    const submit = h("button", { type: "submit" }, L("Crear endpoint", "Create endpoint"));
    const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-endpoint" }, h("h2", { id: "new-endpoint" }, L("Nuevo endpoint", "New endpoint")), alertBox(),
      h("div", { class: "grid" },
        wide(field("URL", url, { param: "url", hint: L("En modo real, https:// y una dirección pública. En modo prueba también http:// y localhost.",
          "In live mode, https:// and a public address. In test mode http:// and localhost too.") })),
        field(L("Descripción (opcional)", "Description (optional)"), description, { param: "description" })),
      eventPicker(), h("div", { class: "actions" }, submit));
    submitter(form, submit, L("Creando…", "Creating…"), async () => {
      // No Idempotency-Key: the API does not keep secrets for replays; a doubtful create shows in the list above.
      const endpoint = await api("POST", "/v1/webhook-endpoints", {
        body: { url: url.value.trim(), enabled_events: chosenEvents(form), description: description.value.trim() || null },
      });
      replace(created, secretPanel(endpoint.secret, L("Endpoint creado. Su secreto de firma es:", "Endpoint created. Its signing secret is:")));
      form.reset();
      form.querySelector("input[value='*']").dispatchEvent(new Event("change"));
      await load();
      created.querySelector("button").focus();
    });

    main.append(heading("Webhooks"),
      h("p", null, h("a", { href: "#/configuracion" }, L("← Configuración", "← Setup"))),
      h("p", { class: "muted" }, L("Cada evento se envía por POST, firmado, a los endpoints que lo piden; si no responden 2xx se reintenta durante 3 días.",
        "Each event is POSTed, signed, to the endpoints that want it; without a 2xx it is retried for 3 days.")),
      created, box, count,
      h("div", { class: "card" }, scroller(L("Endpoints", "Endpoints"), h("table", null,
        h("caption", { class: "visually-hidden" }, L("Endpoints", "Endpoints")),
        h("thead", null, h("tr", null, th("URL"), th(L("Eventos", "Events")), th(L("Estado", "Status")), th(L("Creado", "Created")))),
        body)), pages.el),
      form);
    await load();
  },
};

export const webhookDetail = {
  async render(main, { params, navigate }) {
    const box = alertBox();
    const title = h("h1", { tabindex: "-1" }, L("Endpoint de webhooks", "Webhook endpoint"));
    const facts = h("dl", { class: "facts" });
    const secret = h("div");
    const done = h("p", { class: "alert alert-ok", role: "status", hidden: true });
    const toggle = h("button", { type: "button", class: "secondary" });
    const rotate = h("button", { type: "button", class: "secondary" }, L("Generar un secreto nuevo", "Make a new secret"));
    const remove = h("button", { type: "button", class: "danger" }, L("Borrar endpoint", "Delete endpoint"));
    const editor = h("form", { novalidate: true, "aria-label": L("Cambiar el endpoint", "Change the endpoint") });
    const status = h("select", { name: "status" }, h("option", { value: "" }, L("Todas", "All")),
      options([["pending", deliveryStatus("pending")], ["succeeded", deliveryStatus("succeeded")], ["failed", deliveryStatus("failed")]]));
    const filters = h("form", { class: "filters", role: "search", "aria-label": L("Filtrar entregas", "Filter deliveries") },
      field(L("Estado", "Status"), status, { param: "status" }), h("div", { class: "field" }, h("button", { type: "submit" }, L("Filtrar", "Filter"))));
    const count = h("p", { role: "status", class: "muted" });
    const deliveriesBox = alertBox();
    const deliveries = h("tbody");
    let endpoint;
    const pages = pager(async (after) => {
      const page = await api("GET", `/v1/webhook-endpoints/${params.id}/deliveries`, { query: { limit: PAGE, starting_after: after, status: status.value } });
      replace(deliveries, page.data.map((d) => deliveryRow(d)));
      if (!page.data.length) deliveries.append(h("tr", null, h("td", { colspan: 5, class: "muted" }, L("Sin entregas con este filtro.", "No deliveries match this filter."))));
      count.textContent = countText(page, ["entrega", "delivery"], ["entregas", "deliveries"]);
      return page;
    });


    let first; // the screen is drawn once the endpoint is here: no empty facts and nameless buttons meanwhile
    try {
      first = await api("GET", `/v1/webhook-endpoints/${params.id}`);
    } catch (error) {
      box.textContent = error.status === 404 ? L("No existe ese endpoint en este modo.", "There is no such endpoint in this mode.") : error.message;
      box.hidden = false;
      main.append(h("div", { class: "heading" }, title), back(), box);
      return;
    }
    main.append(h("div", { class: "heading" }, title), back(), box, secret, done,
      h("section", { class: "card", "aria-labelledby": "endpoint-facts" }, h("h2", { id: "endpoint-facts" }, L("Datos", "Details")), facts,
        h("div", { class: "actions" }, toggle, rotate, remove)),
      h("section", { class: "card", "aria-labelledby": "endpoint-deliveries" }, h("h2", { id: "endpoint-deliveries" }, L("Entregas", "Deliveries")),
        h("p", { class: "hint" }, L("Cada evento enviado a este endpoint, el más nuevo primero, con sus intentos. «Reenviar» lo manda otra vez ahora.",
          "Every event sent to this endpoint, newest first, with its attempts. «Redeliver» sends it again now.")),
        filters, deliveriesBox, count,
        scroller(L("Entregas", "Deliveries"), h("table", null,
          h("caption", { class: "visually-hidden" }, L("Entregas", "Deliveries")),
          h("thead", null, h("tr", null, th(L("Evento", "Event")), th(L("Estado", "Status")), th(L("Intentos", "Attempts")),
            th(L("Próximo intento", "Next attempt")), th(L("Acciones", "Actions")))),
          deliveries)), pages.el),
      h("details", { class: "card" }, h("summary", null, L("Cambiar la URL, la descripción o los eventos", "Change the URL, description or events")), editor));

    function draw(e) {
      endpoint = e;
      title.textContent = e.url;
      replace(facts,
        h("dt", null, L("Estado", "Status")), h("dd", null, endpointBadge(e), e.disabled_reason ? ` ${e.disabled_reason}` : ""),
        h("dt", null, L("Eventos", "Events")), h("dd", null, events(e.enabled_events)),
        h("dt", null, L("Descripción", "Description")), h("dd", null, e.description || "—"),
        h("dt", null, L("Secreto anterior", "Previous secret")), h("dd", null, e.previous_secret_expires_at
          ? L(`también firma hasta ${timestamp(e.previous_secret_expires_at)}`, `also signs until ${timestamp(e.previous_secret_expires_at)}`) : "—"),
        h("dt", null, "ID"), h("dd", { class: "mono" }, e.id),
        h("dt", null, L("Creado", "Created")), h("dd", null, timestamp(e.created_at)));
      toggle.textContent = e.enabled ? L("Desactivar", "Disable") : L("Activar", "Enable");
      drawEditor(e);
    }
    // The editor's fields are made once; a new state of the endpoint refills them and its event types.
    const editUrl = h("input", { name: "url", type: "url" });
    const editDescription = h("input", { name: "description", maxlength: 200 });
    const save = h("button", { type: "submit" }, L("Guardar cambios", "Save changes"));
    const picked = h("div");
    editor.append(alertBox(),
      h("div", { class: "grid" }, wide(field("URL", editUrl, { param: "url" })), field(L("Descripción", "Description"), editDescription, { param: "description" })),
      picked, h("div", { class: "actions" }, save));
    submitter(editor, save, L("Guardando…", "Saving…"), async () => {
      draw(await api("PATCH", `/v1/webhook-endpoints/${endpoint.id}`, {
        body: { url: editUrl.value.trim(), description: editDescription.value.trim() || null, enabled_events: chosenEvents(editor) } }));
      said(L("Cambios guardados.", "Changes saved."));
    });
    function drawEditor(e) {
      editUrl.value = e.url;
      editDescription.value = e.description || "";
      replace(picked, eventPicker(e.enabled_events));
    }
    function said(text) {
      done.textContent = text;
      done.hidden = false;
    }
    const failed = (error) => {
      box.textContent = error.message;
      box.hidden = false;
    };

    toggle.addEventListener("click", () => busy(toggle, L("Guardando…", "Saving…"), async () => {
      box.hidden = true;
      replace(secret); // a secret shown before stays shown only until the next change
      try {
        draw(await api("PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { body: { enabled: !endpoint.enabled } }));
        said(endpoint.enabled ? L("Endpoint activado: vuelve a recibir eventos.", "Endpoint enabled: it receives events again.")
          : L("Endpoint desactivado: no recibe eventos hasta que lo actives.", "Endpoint disabled: it gets no events until enabled."));
      } catch (error) {
        failed(error);
      }
    }));
    rotate.addEventListener("click", async () => {
      const grace = field(L("El secreto actual sigue firmando durante", "The current secret keeps signing for"),
        h("select", { name: "grace_period_hours" }, options([["24", L("24 horas", "24 hours")], ["1", L("1 hora", "1 hour")], ["0", L("Nada: se revoca ya", "None: revoked now")]], "24")));
      const values = await confirmDialog(L("¿Generar un secreto nuevo?", "Make a new secret?"),
        L("Mientras dure el plazo, cada envío lleva las dos firmas: actualizá tu sistema con el secreto nuevo antes de que venza.",
          "During the grace period each delivery carries both signatures: update your system with the new secret before it ends."),
        L("Generar", "Make it"), grace);
      if (!values) return;
      await busy(rotate, L("Generando…", "Making…"), async () => {
        box.hidden = true;
        done.hidden = true; // the secret panel says what happened
        try {
          const rotated = await api("POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { body: { grace_period_hours: Number(values.grace_period_hours) } });
          replace(secret, secretPanel(rotated.secret, L("Secreto nuevo:", "New secret:")));
          draw(rotated);
          secret.querySelector("button").focus();
        } catch (error) {
          failed(error);
        }
      });
    });
    deletesOnConfirm(remove, {
      question: L("¿Borrar este endpoint?", "Delete this endpoint?"),
      consequence: L("Deja de recibir eventos y su secreto se borra. Las entregas pendientes no se envían.", "It stops receiving events and its secret is deleted. Pending deliveries are not sent."),
      path: `/v1/webhook-endpoints/${params.id}`,
      done: L("Endpoint borrado.", "Endpoint deleted."),
      after: () => navigate("/configuracion/webhooks"),
      failed,
    });

    /** One delivery and its attempts; `said` is what the last redelivery answered. */
    function deliveryRow(d, said = "") {
      const out = h("div", { class: "small", role: "status" }, said);
      const again = h("button", { type: "button", class: "secondary", "aria-label": L(`Reenviar ${d.event}`, `Redeliver ${d.event}`) }, L("Reenviar", "Redeliver"));
      again.addEventListener("click", () => busy(again, L("Reenviando…", "Sending…"), async () => {
        try {
          // The API queues the send (the sender makes the attempt a moment later): the row shows it pending.
          const result = await api("POST", `/v1/events/${d.event}/redeliver`, { body: { endpoint: endpoint.id } });
          const mine = result.deliveries.find((x) => x.endpoint === endpoint.id);
          const answer = L("Reenvío en camino: «Filtrar» muestra el intento en unos segundos.", "Redelivery on its way: «Filter» shows the attempt in a few seconds.");
          if (mine) row.replaceWith(deliveryRow(mine, answer));
          else replace(out, answer);
          announce(answer);
        } catch (error) {
          replace(out, h("span", { class: "error" }, error.message));
        }
      }));
      const attempts = d.attempts.map((a) => h("li", null, `${timestamp(a.at)} · `,
        a.status_code ? `HTTP ${a.status_code}` : a.error || "—", ` · ${a.duration_ms} ms`, a.manual ? L(" · a mano", " · by hand") : ""));
      const row = h("tr", null,
        h("td", null, h("code", null, d.event_type), h("div", { class: "small muted mono" }, d.event)),
        h("td", null, deliveryBadge(d.status)),
        h("td", { class: "small" }, attempts.length ? h("ol", { class: "attempts" }, attempts) : "—"),
        td(d.next_attempt_at ? timestamp(d.next_attempt_at) : "—"),
        h("td", null, again, out));
      return row;
    }
    draw(first);
    await listLoader(pages, deliveriesBox, { filters, count })();
  },
};
