// Amounts and dates for Argentina (es-AR) whatever the interface language; fiscal dates are Buenos Aires dates.
const TIME_ZONE = "America/Argentina/Buenos_Aires";
const pesos = new Intl.NumberFormat("es-AR", { style: "currency", currency: "ARS" });
const plain = new Intl.NumberFormat("es-AR", { maximumFractionDigits: 6 });
const foreign = new Intl.NumberFormat("es-AR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const stamp = new Intl.DateTimeFormat("es-AR", {
  day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE,
});
const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** "1234.50" (the API's decimal string) -> "$ 1.234,50". */
export function money(value, currency = "PES") {
  if (value == null || value === "") return "—";
  if (currency && currency !== "PES") return `${currency} ${foreign.format(Number(value))}`;
  return pesos.format(Number(value));
}

export const number = (value) => (value == null || value === "" ? "" : plain.format(Number(value)));

/** "2026-11-30" -> "30/11/2026", read as a calendar date (no time zone shift). */
export function date(value) {
  if (!value) return "—";
  const [y, m, d] = String(value).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** An ISO timestamp with its offset -> "30/11/2026, 14:05" in Buenos Aires. */
export const timestamp = (value) => (value ? stamp.format(new Date(value)) : "—");

/** Today's date in Argentina as YYYY-MM-DD (the API's fiscal calendar). */
export const todayAR = () => dayOf.format(new Date());

/**
 * What a person types ("1.234,56", "1234.56", "1.500") -> the API's decimal string, or null if it is not a number.
 * A comma is the decimal separator; dots alone are thousands when grouped by three ("1.500" is fifteen hundred).
 */
export function parseAmount(text) {
  let s = String(text ?? "").trim().replace(/\s|\$/g, "");
  if (!s) return null;
  if (s.includes(",")) s = s.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "");
  return /^-?\d+(\.\d+)?$/.test(s) ? s : null;
}

/** ARCA's check digit of an 11-digit CUIT/CUIL (weights 5432765432), as the API checks it. */
export function cuitIsValid(text) {
  const digits = String(text).replace(/\D/g, "");
  if (digits.length !== 11) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const remainder = weights.reduce((total, w, i) => total + w * Number(digits[i]), 0) % 11;
  if (remainder === 1) return false; // no digit is valid: ARCA gives such people another prefix
  return (remainder === 0 ? 0 : 11 - remainder) === Number(digits[10]);
}

export const formatCuit = (text) => {
  const d = String(text || "").replace(/\D/g, "");
  return d.length === 11 ? `${d.slice(0, 2)}-${d.slice(2, 10)}-${d.slice(10)}` : text || "";
};
