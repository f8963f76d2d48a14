// Names of organisations and facilities for the transfer pages: one read of GET /api/v1/orgs
// and GET /api/v1/facilities per page load (kept in memory, never stored), so a USCC or a
// facility id is shown as the name a person knows. A failed read leaves the ids showing.
import * as api from './api.js';

let loading = null;

async function every(path) {
  const items = [];
  let after = '';
  for (let i = 0; i < 20; ++i) {
    const r = await api.get(path, {query: {after, limit: 1000}});
    if (!r.ok) return items;
    items.push(...(r.data.items || []));
    if (!r.data.next) break;
    after = r.data.next;
  }
  return items;
}

// -> {orgs: Map uscc -> org, facilities: Map id -> facility, orgName(uscc), facilityName(id)}
export function parties() {
  if (!loading) {
    loading = Promise.all([every('/api/v1/orgs'), every('/api/v1/facilities')])
                  .then(([orgs, facilities]) => {
                    const o = new Map(orgs.map((x) => [x.uscc, x]));
                    const f = new Map(facilities.map((x) => [x.id, x]));
                    return {
                      orgs: o,
                      facilities: f,
                      orgName: (uscc) => (uscc ? o.get(uscc)?.name || uscc : '—'),
                      facilityName: (id) => (id ? f.get(id)?.name || id : '—'),
                    };
                  });
    // A failure is not cached: the next page tries again.
    loading.then((p) => {
      if (!p.orgs.size) loading = null;
    });
  }
  return loading;
}

// Forget the names (sign-out, or after an organisation was added).
export function forgetParties() {
  loading = null;
}
