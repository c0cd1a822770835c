// The API's codes as people in Argentina read them.
import { L } from "./i18n.js";

export const voucherTypes = () => [
  [1, L("Factura A", "Invoice A")], [2, L("Nota de débito A", "Debit note A")], [3, L("Nota de crédito A", "Credit note A")],
  [6, L("Factura B", "Invoice B")], [7, L("Nota de débito B", "Debit note B")], [8, L("Nota de crédito B", "Credit note B")],
  [11, L("Factura C", "Invoice C")], [12, L("Nota de débito C", "Debit note C")], [13, L("Nota de crédito C", "Credit note C")],
];
export const voucherType = (code) => (voucherTypes().find(([c]) => c === Number(code)) || [code, `Tipo ${code}`])[1];

export const arcaStatuses = () => [
  ["draft", L("Borrador", "Draft")], ["pending", L("Pendiente de CAE", "Waiting for CAE")],
  ["authorized", L("Autorizado", "Authorized")], ["rejected", L("Rechazado", "Rejected")], ["failed", L("Falló", "Failed")],
];
export const arcaStatus = (code) => Object.fromEntries(arcaStatuses())[code] || code;

export const paymentStatus = (code) =>
  ({
    unpaid: L("Impaga", "Unpaid"), partially_paid: L("Pago parcial", "Partially paid"),
    paid: L("Pagada", "Paid"), overdue: L("Vencida", "Overdue"),
  })[code] || "—";

export const ivaConditions = () => [
  ["responsable_inscripto", L("Responsable inscripto", "Registered VAT taxpayer")],
  ["monotributo", L("Monotributista", "Monotributo")],
  ["exento", L("IVA exento", "VAT exempt")],
  ["consumidor_final", L("Consumidor final", "Final consumer")],
  ["no_categorizado", L("Sujeto no categorizado", "Not categorized")],
  ["cliente_exterior", L("Cliente del exterior", "Foreign customer")],
  ["proveedor_exterior", L("Proveedor del exterior", "Foreign supplier")],
  ["iva_liberado", L("IVA liberado (Ley 19.640)", "VAT released (Law 19,640)")],
  ["monotributo_social", L("Monotributista social", "Social monotributo")],
  ["iva_no_alcanzado", L("IVA no alcanzado", "Outside VAT")],
  ["monotributo_trabajador_independiente_promovido", L("Monotributo trabajador independiente promovido", "Promoted independent worker")],
];
export const issuerIvaConditions = () => ivaConditions().slice(0, 3);
export const ivaCondition = (code) => Object.fromEntries(ivaConditions())[code] || code;

export const documentTypes = () => [
  ["CUIT", "CUIT"], ["CUIL", "CUIL"], ["CDI", "CDI"], ["DNI", "DNI"], ["PASSPORT", L("Pasaporte", "Passport")],
  ["CONSUMIDOR_FINAL", L("Sin documento (consumidor final)", "None (final consumer)")],
];

export const vatRates = () => [
  ["21", "21 %"], ["10.5", "10,5 %"], ["27", "27 %"], ["5", "5 %"], ["2.5", "2,5 %"], ["0", "0 %"],
  ["exempt", L("Exento", "Exempt")], ["not_taxed", L("No gravado", "Not taxed")], ["", L("Sin IVA (factura C)", "No VAT (invoice C)")],
];

export const concepts = () => [
  ["products", L("Productos", "Products")], ["services", L("Servicios", "Services")],
  ["products_and_services", L("Productos y servicios", "Products and services")],
];

export const paymentMethods = () => [
  ["cash", L("Efectivo", "Cash")], ["transfer", L("Transferencia", "Bank transfer")], ["card", L("Tarjeta", "Card")],
  ["mercado_pago", "Mercado Pago"], ["cheque", L("Cheque", "Cheque")],
  ["withholding_iva", L("Retención de IVA", "VAT withholding")],
  ["withholding_iibb", L("Retención de Ingresos Brutos", "Gross income withholding")],
  ["withholding_ganancias", L("Retención de Ganancias", "Income tax withholding")],
];
export const paymentMethod = (code) => Object.fromEntries(paymentMethods())[code] || code;

export const provinces = () => [
  ["AR-C", "Ciudad Autónoma de Buenos Aires"], ["AR-B", "Buenos Aires"], ["AR-K", "Catamarca"], ["AR-H", "Chaco"],
  ["AR-U", "Chubut"], ["AR-X", "Córdoba"], ["AR-W", "Corrientes"], ["AR-E", "Entre Ríos"], ["AR-P", "Formosa"],
  ["AR-Y", "Jujuy"], ["AR-L", "La Pampa"], ["AR-F", "La Rioja"], ["AR-M", "Mendoza"], ["AR-N", "Misiones"],
  ["AR-Q", "Neuquén"], ["AR-R", "Río Negro"], ["AR-A", "Salta"], ["AR-J", "San Juan"], ["AR-D", "San Luis"],
  ["AR-Z", "Santa Cruz"], ["AR-S", "Santa Fe"], ["AR-G", "Santiago del Estero"],
  ["AR-V", "Tierra del Fuego, Antártida e Islas del Atlántico Sur"], ["AR-T", "Tucumán"],
];

export const statementRowType = (code) =>
  ({
    invoice: L("Factura", "Invoice"), debit_note: L("Nota de débito", "Debit note"),
    credit_note: L("Nota de crédito", "Credit note"), payment: L("Cobro", "Payment"),
    payment_void: L("Cobro anulado", "Voided payment"),
  })[code] || code;

export const itemStatus = (code) => ({ active: L("Activo", "Active"), archived: L("Archivado", "Archived") })[code] || code;

export const subscriptionStatuses = () => [
  ["active", L("Activa", "Active")], ["paused", L("Pausada", "Paused")],
  ["canceled", L("Cancelada", "Canceled")], ["ended", L("Terminada", "Ended")],
];
export const subscriptionStatus = (code) => Object.fromEntries(subscriptionStatuses())[code] || code;

export const intervals = () => [
  [1, L("Mensual", "Monthly")], [2, L("Bimestral", "Every 2 months")], [3, L("Trimestral", "Quarterly")],
  [6, L("Semestral", "Every 6 months")], [12, L("Anual", "Yearly")],
];
export const interval = (months) =>
  Object.fromEntries(intervals())[months] || L(`Cada ${months} meses`, `Every ${months} months`);

export const runTrigger = (code) =>
  ({ schedule: L("Programada (diaria)", "Scheduled (daily)"), catch_up: L("Recuperación", "Catch-up"), api: L("A mano", "By hand") })[code] || code;
export const runStatus = (code) =>
  ({ queued: L("En cola", "Queued"), running: L("Corriendo", "Running"), completed: L("Terminada", "Completed") })[code] || code;
export const runOutcome = (code) => ({ skipped: L("Omitida", "Skipped"), failed: L("Falló", "Failed") })[code] || code;
export const runReason = (code) =>
  ({
    paused: L("Pausada", "Paused"), review_required: L("Espera revisión (reanudala)", "Waiting for review (resume it)"),
    customer_missing: L("El cliente no existe", "The customer is missing"),
    period_cap: L("Demasiados períodos de una vez", "Too many periods at once"),
    already_invoiced: L("Ya facturado", "Already invoiced"),
  })[code] || code;

export const linkStatus = (code) => ({
  open: L("Link abierto", "Link open"), pending: L("Pago pendiente", "Payment pending"), in_process: L("Pago en revisión", "Payment in review"),
  rejected: L("Pago rechazado", "Payment rejected"), approved: L("Pago aprobado", "Payment approved"), refunded: L("Pago devuelto", "Payment refunded"),
  paid: L("Pagado", "Paid"), expired: L("Link vencido", "Link expired"),
})[code] || code;
