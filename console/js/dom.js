// Elements built from data: text always goes in as text (never as HTML), so names typed by users cannot inject markup.

let counter = 0;
export const uid = (prefix = "f") => `${prefix}-${++counter}`;

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [name, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (name === "value") value = v;
    else if (name.startsWith("on") && typeof v === "function") el.addEventListener(name.slice(2).toLowerCase(), v);
    else if (name === "class") el.className = v;
    else if (name === "checked" || name === "selected" || name === "disabled") el[name] = Boolean(v);
    else el.setAttribute(name, v === true ? "" : String(v));
  }
  append(el, children);
  if (value !== undefined) el.value = value; // after the options of a <select> exist
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A labelled control; `param` is the API's name for it, so a 4xx naming that field lands here. */
export function field(label, control, { param, hint, inline } = {}) {
  const id = control.id || (control.id = uid(control.tagName.toLowerCase()));
  const error = h("p", { class: "error", id: `${id}-error`, hidden: true });
  const described = [hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  if (described) control.setAttribute("aria-describedby", described);
  if (param) control.dataset.param = param;
  return h(
    "div",
    { class: inline ? "field inline" : "field" },
    inline ? [control, h("label", { for: id }, label)] : [h("label", { for: id }, label), control],
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    error,
  );
}

export function options(pairs, selected) {
  return pairs.map(([value, label]) => h("option", { value, selected: String(value) === String(selected) }, label));
}

/** Save a text or blob under a file name (same-origin object URL; nothing leaves the browser). */
export function download(name, content, type) {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
