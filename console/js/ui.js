// What every screen shares: headings, errors at their field, live announcements, busy buttons, pagers.
import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { L } from "./i18n.js";

export function announce(text) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 30); // a change the screen reader notices
}

export const alertBox = () => h("div", { class: "alert alert-error", role: "alert", hidden: true });

export function clearErrors(form) {
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const error = document.getElementById(`${control.id}-error`);
    if (error) {
      error.hidden = true;
      error.textContent = "";
    }
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id !== `${control.id}-error`);
    if (described.length) control.setAttribute("aria-describedby", described.join(" "));
    else control.removeAttribute("aria-describedby");
  }
  for (const box of form.querySelectorAll(".alert-error")) box.hidden = true;
}

/** The API's error where it belongs: at the field its `param` names, else in the form's alert. */
export function showError(form, error, box, { focus = true } = {}) {
  clearErrors(form);
  // A list's item ("enabled_events[2]") lands on the list when it has no field of its own.
  const named = (param) => [...form.querySelectorAll("[data-param]")].find((el) => el.dataset.param === param);
  const control = error.param && (named(error.param) || named(error.param.replace(/\[\d+\]$/, "")));
  if (control) {
    control.setAttribute("aria-invalid", "true");
    const message = document.getElementById(`${control.id}-error`);
    if (message) {
      message.textContent = error.message;
      message.hidden = false;
      const described = new Set((control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
      described.add(message.id);
      control.setAttribute("aria-describedby", [...described].join(" "));
    }
    if (focus) {
      control.focus();
      announce(error.message);
    }
    return;
  }
  const target = box || form.querySelector(".alert-error");
  if (target) {
    const code = error.code && !["network"].includes(error.code) ? ` (${error.code})` : "";
    replace(target, error.message + code);
    target.hidden = false;
  }
}

/** Runs `work` with the button disabled (no double submit) and a busy label. */
export async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = original;
  }
}

export const badge = (cls, text) => h("span", { class: `badge st-${cls}` }, text);

export function heading(text, ...extra) {
  return h("div", { class: "heading" }, h("h1", { tabindex: "-1" }, text), extra);
}

/** Previous / next over cursor pages: keeps the cursors already seen so "Anterior" goes back exactly. */
export function pager(load) {
  const cursors = [null];
  const previous = h("button", { type: "button", class: "secondary" }, L("Anterior", "Previous"));
  const next = h("button", { type: "button", class: "secondary" }, L("Siguiente", "Next"));
  const where = h("span", { class: "muted small" });
  const el = h("div", { class: "pager" }, previous, where, next);
  let page = null;
  const show = async (index) => {
    page = await load(cursors[index]);
    cursors.length = index + 1;
    if (page.has_more && page.data.length) cursors.push(page.data[page.data.length - 1][page.cursorField || "id"]);
    previous.disabled = index === 0;
    next.disabled = !page.has_more;
    where.textContent = L(`Página ${index + 1}`, `Page ${index + 1}`);
    current = index;
  };
  let current = 0;
  previous.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  return { el, first: () => show(0) };
}

export const td = (text, cls) => h("td", cls ? { class: cls } : null, text);
export const th = (text, cls) => h("th", { scope: "col", class: cls }, text);

/** A modal confirmation; resolves to the form's values when confirmed, null when dismissed. */
export function confirmDialog(title, text, confirmLabel, extra = null) {
  return new Promise((resolve) => {
    const titleId = `dialog-${Math.random().toString(36).slice(2, 8)}`;
    const form = h("form", { method: "dialog" },
      h("h2", { id: titleId }, title), h("p", null, text), extra,
      h("div", { class: "actions" },
        h("button", { type: "submit", value: "confirm" }, confirmLabel),
        h("button", { type: "submit", value: "back", class: "secondary" }, L("Volver", "Go back"))));
    const dialog = h("dialog", { "aria-labelledby": titleId }, form);
    document.body.append(dialog);
    dialog.addEventListener("close", () => {
      const values = Object.fromEntries(new FormData(form));
      dialog.remove();
      resolve(dialog.returnValue === "confirm" ? values : null);
    });
    dialog.showModal();
  });
}

/** A delete button: once confirmed, DELETE `path`, announce `done` and call `after`; a refusal goes to `failed`. */
export function deletesOnConfirm(button, { question, consequence, path, done, after, failed }) {
  button.addEventListener("click", async () => {
    if (!(await confirmDialog(question, consequence, L("Borrar", "Delete")))) return;
    try {
      await api("DELETE", path);
      announce(done);
      after();
    } catch (error) {
      failed(error);
    }
  });
}

/**
 * A list screen's loading: the first page, or the API's message in `box` (the rows shown stay). With `filters`, their
 * submit loads again and announces `count` (the record count a screen reader hears after filtering).
 */
export function listLoader(pages, box, { filters, count } = {}) {
  const load = async () => {
    try {
      box.hidden = true;
      await pages.first();
    } catch (error) {
      box.textContent = error.message;
      box.hidden = false;
    }
  };
  filters?.addEventListener("submit", (event) => {
    event.preventDefault();
    load().then(() => announce(count.textContent));
  });
  return load;
}

/** "3 ítems", "20 ítems en esta página (hay más)": `one` and `many` as [es, en]. */
export function countText(page, one, many) {
  const n = page.data.length;
  const [es, en] = n === 1 ? one : many;
  return L(`${n} ${es}${page.has_more ? " en esta página (hay más)" : ""}`, `${n} ${en}${page.has_more ? " on this page (more follow)" : ""}`);
}

/** A table that may scroll sideways on a phone: focusable (and named), so the keyboard can scroll it too. */
export const scroller = (label, table) => h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": label }, table);

/**
 * A form that sends to the API: on submit, `work()` runs with the button busy; the API's error lands at its field
 * (or in `box`). A field the API refused stays marked until it is changed, not until the next submit.
 */
export function submitter(form, button, busyLabel, work, box) {
  form.addEventListener("input", (event) => { if (event.target.getAttribute("aria-invalid")) clearErrors(form); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(button, busyLabel, async () => {
      clearErrors(form);
      try {
        await work();
      } catch (error) {
        showError(form, error, box);
      }
    });
  });
}
