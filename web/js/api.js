// The public API with the signed-in user's bearer token. Every call resolves (never throws)
// to {ok, status, data, problem, notAvailable, offline}, so views render errors as states.
import { session } from './session.js';

const JSON_TYPE = 'application/json';

// A 404 whose detail is the router's own "no route" answer means the endpoint is not on this
// server yet (as opposed to a missing record).
function isMissingRoute(status, problem) {
  return status === 404 && (!problem || problem.detail === 'No resource at this path.');
}

export async function call(method, path, { body, query, accept, raw, headers = {} } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const init = { method, headers: { ...headers } };
  const ownToken = !init.headers.Authorization;  // false while sign-in checks a pasted token
  const token = session.token();
  if (token && ownToken) init.headers.Authorization = `Bearer ${token}`;
  if (accept) init.headers.Accept = accept;
  if (body !== undefined) {
    init.headers['Content-Type'] = JSON_TYPE;
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    return { ok: false, status: 0, offline: true, problem: { detail: String(e.message || e) } };
  }
  const type = res.headers.get('Content-Type') || '';
  const out = { ok: res.ok, status: res.status, headers: res.headers };
  if (raw && res.ok) {
    out.blob = await res.blob();
    return out;
  }
  const text = await res.text();
  if (type.includes('json')) {
    try { out.data = JSON.parse(text); } catch { out.data = null; }
  } else {
    out.text = text;
  }
  if (!res.ok) {
    out.problem = type.includes('problem+json') || type.includes('json') ? out.data || {} : { detail: text };
    out.notAvailable = isMissingRoute(res.status, out.problem);
    if (res.status === 401 && ownToken) session.expired();
  }
  return out;
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, body, opts = {}) => call('POST', path, { ...opts, body });

// A short human text for a failed call: "CODE: detail".
export function describe(r) {
  if (r.offline) return r.problem.detail;
  const p = r.problem || {};
  return [p.code, p.detail || p.title || `HTTP ${r.status}`].filter(Boolean).join(': ');
}
