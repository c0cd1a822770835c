// Spanish (es-AR) first, English available: every text is written in both where it is used, L("es", "en").
// The language choice is a preference, not a secret: it is the only thing kept in localStorage.
const STORED = "billing.language";
let current = localStorage.getItem(STORED) === "en" ? "en" : "es";

export const L = (es, en) => (current === "en" && en ? en : es);
export const language = () => current;

export function setLanguage(value) {
  current = value === "en" ? "en" : "es";
  localStorage.setItem(STORED, current);
  document.documentElement.lang = current === "en" ? "en" : "es-AR";
}
