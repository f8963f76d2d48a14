// Who is signed in in this tab: token, role, organisation and what it may do (from GET
// /api/v1/me) in sessionStorage (closing the tab
// signs out; another tab signs in on its own). Listeners hear sign-in and sign-out.
const KEY = 'cradle.session';
const listeners = new Set();

function load() {
  try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
}

export const session = {
  current: load,
  token() { return load()?.token || ''; },
  role() { return load()?.role || ''; },
  org() { return load()?.org || ''; },
  may(action) { return (load()?.may || []).includes(action); },
  signIn(token, role, org, orgName, may = []) {
    sessionStorage.setItem(KEY, JSON.stringify({ token, role, org, orgName, may }));
    for (const fn of listeners) fn();
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    for (const fn of listeners) fn();
  },
  // The server answered 401: the token is gone or revoked; back to the sign-in page.
  expired() {
    if (load()) this.signOut();
  },
  onChange(fn) { listeners.add(fn); },
};
