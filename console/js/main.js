// The shell: mode banner, navigation from the screen registry, hash routing (the key never enters a URL).
import { api, whenUnauthorized } from "./api.js";
import { formatCuit } from "./format.js";
import { L, language, setLanguage } from "./i18n.js";
import { h, replace } from "./dom.js";
import { screens, connectScreen } from "./screens/index.js";
import { session } from "./session.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const mode = document.getElementById("mode");
const disconnect = document.getElementById("disconnect");
const languagePicker = document.getElementById("language");
let cleanup = null;
let notice = null; // a message for the connect screen (why we are back there)

export function navigate(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = path;
}

function parseHash() {
  const [path, query = ""] = (location.hash.slice(1) || "/").split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(query)) };
}

function match(path) {
  for (const screen of screens) {
    const names = [];
    const pattern = new RegExp(`^${screen.path.replace(/:(\w+)/g, (_, name) => (names.push(name), "([^/]+)"))}$`);
    const found = path.match(pattern);
    if (found) return { screen, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])])) };
  }
  return null;
}

function showMode() {
  const account = session.account;
  mode.className = `mode mode-${account ? account.mode : "none"}`;
  if (!account) mode.textContent = L("Sin conectar", "Not connected");
  else if (account.livemode) mode.textContent = L("Modo real · ARCA producción", "Live mode · ARCA production");
  else mode.textContent = L("Modo prueba · ARCA homologación", "Test mode · ARCA homologation");
  if (account) mode.title = `${account.name} · CUIT ${formatCuit(account.cuit)}`;
  disconnect.hidden = !account;
  nav.hidden = !account;
}

function showNav(current) {
  replace(nav, screens.filter((s) => s.nav).map((s) =>
    h("a", { href: `#${s.path}`, "aria-current": current === s ? "page" : null }, s.nav())));
}

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  const { path, query } = parseHash();
  if (session.key && !session.account) {
    try {
      session.account = await api("GET", "/v1/account");
    } catch (error) {
      if (error.status !== 401) notice = error.message;
    }
  }
  let found = match(path);
  if (!session.account || !found) found = session.account ? match("/facturacion") : { screen: connectScreen, params: {} };
  showMode();
  showNav(found.screen);
  document.title = `${found.screen.title()} — ${L("Facturación", "Billing")}`;
  main.replaceChildren();
  const context = { params: found.params, query, navigate, notice };
  notice = null;
  cleanup = (await found.screen.render(main, context)) || null;
  const title = main.querySelector("h1");
  if (title && document.activeElement === document.body) title.focus();
}

whenUnauthorized(() => {
  session.disconnect();
  notice = L("La clave de API dejó de ser válida (revocada o vencida). Ingresá otra para seguir.",
    "The API key is no longer valid (revoked or expired). Enter another one to go on.");
  navigate("/conectar");
});

disconnect.addEventListener("click", () => {
  session.disconnect();
  navigate("/conectar");
});

languagePicker.value = language();
languagePicker.addEventListener("change", () => {
  setLanguage(languagePicker.value);
  translateShell();
  route();
});

function translateShell() {
  const texts = { "app.name": ["Facturación", "Billing"], "app.language": ["Idioma", "Language"], "app.disconnect": ["Desconectar", "Disconnect"] };
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = L(...texts[el.dataset.i18n]);
  nav.setAttribute("aria-label", L("Secciones", "Sections"));
  document.querySelector(".skip").textContent = L("Saltar al contenido", "Skip to content");
}

window.addEventListener("hashchange", route);
setLanguage(language());
translateShell();
route();
