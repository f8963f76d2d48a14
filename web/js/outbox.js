// The scan outbox: scans wait in IndexedDB until the server has answered for them, so a
// closed tab or a dead network loses nothing. Each record is a scan as sent (with its own
// UUID v4 event_id, so a resend is a harmless "duplicate") plus `state`, `code`, `seq`.
const DB = 'cradle-scans';
const STORE = 'outbox';
let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'event_id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function tx(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const store = t.objectStore(STORE);
    const out = fn(store);
    t.oncomplete = () => resolve(out && 'result' in out ? out.result : undefined);
    t.onerror = () => reject(t.error);
  });
}

export async function add(scan) {
  const record = { ...scan, event_id: scan.event_id || crypto.randomUUID(), state: 'queued', seq: Date.now() + Math.random() };
  await tx('readwrite', (s) => s.put(record));
  return record;
}

export async function all() {
  const items = await tx('readonly', (s) => s.getAll());
  return (items || []).sort((a, b) => b.seq - a.seq);
}

export async function update(record) { await tx('readwrite', (s) => s.put(record)); }

export async function removeFinished() {
  const items = await all();
  await tx('readwrite', (s) => { for (const r of items) if (r.state !== 'queued') s.delete(r.event_id); });
}

// The wire form of a record: only the fields api.md defines for a scan.
export function wire(r) {
  const out = { event_id: r.event_id, token: r.token, kind: r.kind, scanned_at: r.scanned_at };
  for (const k of ['mass_g', 'facility', 'vehicle', 'method', 'note', 'lat', 'lon']) {
    if (r[k] !== undefined && r[k] !== '') out[k] = r[k];
  }
  return out;
}
