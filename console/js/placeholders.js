// An item's description placeholders, resolved as the server resolves them for a subscription's invoice
// (billing/domain/subscriptions.py, resolve_placeholders): from the billed period, in the customer's language.
// POST /v1/invoices takes descriptions as sent, so a one-off invoice gets its text resolved here, before it is sent.
const MONTHS = {
  es: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};
const TOKEN = /\[([^[\]]{1,40})\]/g;
export const PLACEHOLDERS = ["current month", "past month", "next month", "year", "current date", "period", "period start", "period end"];

const two = (n) => String(n).padStart(2, "0");
const parts = (iso) => iso.split("-").map(Number); // "2026-12-01" -> [2026, 12, 1]: calendar dates, no time zone

/** `start` and `end` are YYYY-MM-DD (the billed period); unknown placeholders stay as written. */
export function resolvePlaceholders(text, start, end, language = "es") {
  const months = MONTHS[language] || MONTHS.es;
  const [y, m, d] = parts(start);
  const [ey, em, ed] = parts(end);
  const month = (year, index) => { // index 0..11, may step one over either edge
    const shifted = new Date(Date.UTC(year, index, 1));
    return `${months[shifted.getUTCMonth()]} ${shifted.getUTCFullYear()}`;
  };
  const values = {
    "current month": month(y, m - 1),
    "past month": month(y, m - 2),
    "next month": month(y, m),
    year: String(y),
    "current date": `${two(d)}/${two(m)}/${y}`,
    period: `${two(m)}/${y}`,
    "period start": `${two(d)}/${two(m)}/${y}`,
    "period end": `${two(ed)}/${two(em)}/${ey}`,
  };
  return text.replace(TOKEN, (whole, token) => values[token.trim().toLowerCase()] ?? whole);
}

export const hasPlaceholders = (text) => new RegExp(TOKEN.source).test(text);
