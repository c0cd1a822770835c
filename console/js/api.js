// The public API, called like any client: same origin (/v1 is routed to API Gateway), the key as a bearer header.
import { L } from "./i18n.js";
import { session } from "./session.js";

export class ApiError extends Error {
  constructor(status, error, requestId) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.param = error.param || null;
    this.requestId = requestId || null;
  }
}

let onUnauthorized = () => {};
export const whenUnauthorized = (handler) => (onUnauthorized = handler);

/** An Idempotency-Key for one form: a retry after a network error cannot create the same thing twice. */
export const newIdempotencyKey = () => `console-${crypto.randomUUID()}`;

export async function api(method, path, { body, query, accept, idempotencyKey, key } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value != null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Authorization: `Bearer ${key ?? session.key}`, Accept: accept || "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
    });
  } catch {
    throw new ApiError(0, {
      code: "network",
      message: L("No se pudo conectar con el servidor. Revisá tu conexión y volvé a intentar: no se perdió nada de lo que escribiste.",
        "Could not reach the server. Check your connection and try again: nothing you typed was lost."),
    });
  }
  const requestId = response.headers.get("X-Request-Id") || response.headers.get("x-amzn-RequestId");
  if (response.status === 204) return null;
  if (response.ok) return accept && accept !== "application/json" ? response.text() : response.json();
  let error = {};
  try {
    error = (await response.json()).error || {};
  } catch {
    // a body that is not the error object (a proxy's page): the status says enough
  }
  if (response.status >= 500) {
    const reference = requestId ? L(` Pedido ${requestId}.`, ` Request ${requestId}.`) : "";
    error.message = L(
      `El servidor falló (${response.status}): ${error.message || "error interno"}. Probá de nuevo en un momento; lo que escribiste sigue acá.${reference}`,
      `The server failed (${response.status}): ${error.message || "internal error"}. Try again shortly; what you typed is still here.${reference}`,
    );
  }
  const failure = new ApiError(response.status, {
    code: error.code || `http_${response.status}`, message: error.message || `HTTP ${response.status}`, param: error.param,
  }, requestId);
  if (response.status === 401 && !key) onUnauthorized(failure);
  throw failure;
}

/** Every page of a list (for pickers): follows has_more with starting_after, up to `max` items. */
export async function listAll(path, query = {}, max = 500) {
  const items = [];
  let after;
  do {
    const page = await api("GET", path, { query: { ...query, limit: 100, starting_after: after } });
    items.push(...page.data);
    after = page.has_more ? page.data[page.data.length - 1].id : null;
  } while (after && items.length < max);
  return items;
}
