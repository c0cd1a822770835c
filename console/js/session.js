// The API key lives in this tab's sessionStorage only: it survives a reload, dies with the tab, and is never written
// to localStorage, a cookie, a URL or a log. Nothing else about the session is stored.
const KEY = "billing.apiKey";

export const session = {
  account: null, // GET /v1/account, once connected
  get key() {
    return sessionStorage.getItem(KEY);
  },
  connect(key, account) {
    sessionStorage.setItem(KEY, key);
    this.account = account;
  },
  disconnect() {
    sessionStorage.removeItem(KEY);
    this.account = null;
  },
};
