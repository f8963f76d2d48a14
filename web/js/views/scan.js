// Collector / facility scan page: keyboard-wedge input, camera or photo decoding, an offline
// outbox in IndexedDB, and upload to POST /api/v1/scans with each scan's result shown. Each
// label is checked on the device first (verify.js: the cached JWK Set and revocations), so a
// forged, altered, voided or already-scanned label is refused before anything is sent.
import { t, codeText } from '../i18n.js';
import { h, clear, notice, kg, nowRfc3339 } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import * as outbox from '../outbox.js';
import { decodeQr } from '../decoder.js';
import * as verify from '../verify.js';

const KINDS = ['pickup', 'receive', 'dispose', 'reject'];
const NEEDS_MASS = new Set(['pickup', 'receive']);
const NEEDS_FACILITY = new Set(['receive', 'dispose', 'reject']);
const MASS_LINE = /^\d+(?:[.,]\d+)?$/;
const SETTINGS = 'cradle.scan.settings';

export async function scanView(main) {
  const saved = JSON.parse(localStorage.getItem(SETTINGS) || '{}');
  const kind = h('select', { id: 'scan-kind' }, KINDS.map((k) => h('option', { value: k }, t(`kind.${k}`))));
  kind.value = saved.kind || (session.role() === 'facility' ? 'receive' : 'pickup');
  const facility = h('select', { id: 'scan-facility' });
  const vehicle = h('input', { id: 'scan-vehicle', value: saved.vehicle || '', autocomplete: 'off', placeholder: '浙J12345' });
  const method = h('input', { id: 'scan-method', value: saved.method || '', autocomplete: 'off', placeholder: 'D1' });
  const wedge = h('input', { id: 'wedge', class: 'wedge', autocomplete: 'off', autocapitalize: 'off', spellcheck: false,
    enterkeyhint: 'send', placeholder: t('scan.wedge.hint') });
  const pending = h('div', { class: 'pending', id: 'pending' });
  const msg = h('div', { class: 'msg', id: 'scan-msg' });
  const netState = h('div', { class: 'net', id: 'net-state', role: 'status' });
  const trust = h('div', { class: 'hint', id: 'trust-state' });
  const counts = h('div', { class: 'counts', id: 'scan-counts' });
  const list = h('ul', { class: 'outbox', id: 'outbox' });
  const video = h('video', { id: 'camera', playsinline: true, muted: true, hidden: true });
  const photo = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: 'photo', class: 'visually-hidden' });
  let awaiting = null;  // a scan whose mass line has not come yet
  let stream = null;
  let timer = null;
  let syncing = false;
  let lastCamera = { text: '', at: 0 };

  const fieldVisibility = () => {
    facility.closest('label').hidden = !NEEDS_FACILITY.has(kind.value);
    vehicle.closest('label').hidden = kind.value !== 'pickup';
    method.closest('label').hidden = kind.value !== 'dispose';
    localStorage.setItem(SETTINGS, JSON.stringify({ kind: kind.value, facility: facility.value, vehicle: vehicle.value, method: method.value }));
  };

  function baseScan(token) {
    const s = { token, kind: kind.value, scanned_at: nowRfc3339() };
    if (NEEDS_FACILITY.has(kind.value) && facility.value) s.facility = facility.value;
    if (kind.value === 'pickup' && vehicle.value.trim()) s.vehicle = vehicle.value.trim();
    if (kind.value === 'dispose' && method.value.trim()) s.method = method.value.trim();
    return s;
  }

  async function enqueue(scan) {
    await outbox.add(scan);
    msg.append(notice('ok', t('scan.added')));
    await refresh();
    sync();
  }

  // One line from the wedge (or one decoded QR): a token starts a scan, a number is its mass.
  async function acceptLine(line) {
    const text = line.replace(/^[\s\r\n]+|[\s\r\n]+$/g, '');
    if (!text) return;
    if (MASS_LINE.test(text) && awaiting) {
      const scan = { ...awaiting, mass_g: Math.round(Number(text.replace(',', '.')) * 1000) };
      awaiting = null;
      showPending();
      await enqueue(scan);
      return;
    }
    if (awaiting) {  // a new label before the last one's mass: keep the last one regardless
      const late = awaiting;
      awaiting = null;
      await enqueue(late);
      msg.append(notice('warn', t('scan.massMissing')));
    }
    const v = await verify.verdict(text);
    const verdictBox = (kind, msgText) => h('div', { id: 'scan-verdict', class: `verdict verdict-${v.verdict}` }, notice(kind, msgText));
    if (!verify.cachedJwks()) {
      clear(msg, verdictBox('warn', t('scan.verdict.nokeys')));
    } else if (v.verdict !== 'ok') {
      clear(msg, verdictBox('error', t(`scan.verdict.${v.verdict}`)));
      if (navigator.vibrate) navigator.vibrate([300, 100, 300]);
      return;
    } else {
      const seen = (await outbox.all()).find((i) => i.manifest === v.id && i.kind === kind.value && i.state !== 'rejected');
      if (seen) {
        v.verdict = 'already';
        clear(msg, verdictBox('warn', t('scan.verdict.already', { kind: t(`kind.${seen.kind}`) })));
        return;
      }
      clear(msg, verdictBox('ok', `${t('scan.verdict.ok')} · ${v.id}`));
      if (navigator.vibrate) navigator.vibrate(120);
    }
    const scan = { ...baseScan(text), ...(v.id ? { manifest: v.id } : {}) };
    if (NEEDS_MASS.has(scan.kind)) {
      awaiting = scan;
      showPending();
    } else {
      await enqueue(scan);
    }
  }

  function showPending() {
    clear(pending, awaiting ? notice('warn', h('span', {}, t('scan.awaitMass'), ' ',
      h('code', {}, awaiting.token.slice(0, 32) + (awaiting.token.length > 32 ? '…' : '')))) : null);
  }

  async function refresh() {
    const items = await outbox.all();
    const n = (s) => items.filter((i) => i.state === s).length;
    counts.textContent = t('scan.counts', { q: n('queued'), a: n('accepted') + n('duplicate'), r: n('rejected') });
    clear(list, items.slice(0, 200).map((i) => h('li', { class: `scan scan-${i.state}`, dataset: { eventId: i.event_id } },
      h('span', { class: `badge badge-scan-${i.state}` }, t(`scan.${i.state}`)),
      h('span', { class: 'scan-kind' }, t(`kind.${i.kind}`)),
      i.mass_g !== undefined ? h('span', {}, kg(i.mass_g)) : null,
      i.code ? h('span', { class: 'scan-code', title: i.code, dataset: { code: i.code } }, codeText(i.code)) : null,
      h('span', { class: 'scan-token mono' }, i.manifest || i.token.slice(0, 40)))));
    netState.className = `net ${navigator.onLine ? 'online' : 'offline'}`;
    netState.textContent = navigator.onLine ? t('scan.online') : t('scan.offlineState');
  }

  // The JWK Set and the revoked ids, kept on the device for offline checks.
  async function refreshTrust() {
    if (!navigator.onLine) return;
    const jwks = await api.get('/.well-known/jwks.json');
    if (jwks.ok && jwks.data?.keys) verify.cacheJwks(jwks.data);
    else if (jwks.ok && jwks.text) { try { verify.cacheJwks(JSON.parse(jwks.text)); } catch { /* keep the old set */ } }
    const ids = [];
    let after = '';
    for (let i = 0; i < 50; ++i) {
      const r = await api.get('/api/v1/revocations', { query: { after, limit: 1000 } });
      if (!r.ok) return;
      ids.push(...(r.data.items || []).map((x) => x.id));
      if (!r.data.next) break;
      after = r.data.next;
    }
    verify.cacheRevoked(ids);
    showTrust();
  }
  function showTrust() {
    trust.textContent = t('scan.keys', { n: verify.cachedJwks()?.keys?.length || 0, r: verify.cachedRevoked().size });
  }

  async function sync() {
    if (syncing || !navigator.onLine) { await refresh(); return; }
    syncing = true;
    try {
      const queued = (await outbox.all()).filter((i) => i.state === 'queued').reverse().slice(0, 1000);
      if (!queued.length) return;
      const r = await api.post('/api/v1/scans', { scans: queued.map(outbox.wire) });
      if (r.notAvailable) { clear(msg, notice('info', t('common.notAvailable', { path: 'POST /api/v1/scans' }))); return; }
      if (r.offline) { clear(msg, notice('warn', t('common.offline'))); return; }
      if (!r.ok) { clear(msg, notice('error', t('common.error', { msg: api.describe(r) }))); return; }
      const results = r.data.results || [];
      for (let i = 0; i < queued.length && i < results.length; ++i) {
        const res = results[i];
        await outbox.update({ ...queued[i], state: res.status, code: res.code, manifest: res.manifest || queued[i].manifest });
      }
      if (!(await outbox.all()).some((x) => x.state === 'queued')) msg.append(notice('ok', t('scan.drained')));
    } finally {
      syncing = false;
      await refresh();
    }
  }

  async function decodeAndAccept(source) {
    try {
      const texts = await decodeQr(source);
      if (!texts.length) return false;
      const now = Date.now();
      if (texts[0] === lastCamera.text && now - lastCamera.at < 4000) return true;  // same label still in view
      lastCamera = { text: texts[0], at: now };
      clear(msg, notice('ok', t('scan.decoded')));
      await acceptLine(texts[0]);
      wedge.focus();
      return true;
    } catch (e) {
      clear(msg, notice('error', t('scan.noDecoder')));
      return true;
    }
  }

  async function startCamera(button) {
    if (stream) { stopCamera(); button.textContent = t('scan.camera'); return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      clear(msg, notice('error', t('scan.noCamera', { msg: e.message || e.name })));
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    button.textContent = t('scan.cameraStop');
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const tick = async () => {
      if (!stream) return;
      if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0);
        await decodeAndAccept(ctx.getImageData(0, 0, canvas.width, canvas.height));
      }
      timer = setTimeout(tick, 250);
    };
    tick();
  }

  function stopCamera() {
    clearTimeout(timer);
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.hidden = true;
  }

  wedge.addEventListener('keydown', async (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    const line = wedge.value;
    wedge.value = '';
    await acceptLine(line);
  });
  photo.addEventListener('change', async () => {
    const file = photo.files[0];
    photo.value = '';
    if (file && !(await decodeAndAccept(file))) clear(msg, notice('warn', t('scan.notFound')));
  });
  for (const el of [kind, facility, vehicle, method]) el.addEventListener('change', fieldVisibility);
  const onNet = () => { sync(); refreshTrust(); };
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
  const every = setInterval(sync, 30000);

  const cameraButton = h('button', { type: 'button', class: 'big', id: 'camera-toggle', onclick: (e) => startCamera(e.target) }, t('scan.camera'));
  clear(main,
    h('section', { class: 'card scan-card' },
      h('h1', {}, t('scan.title')),
      netState, trust,
      h('div', { class: 'scan-settings' },
        h('label', {}, t('scan.kind'), kind),
        h('label', {}, t('scan.facility'), facility),
        h('label', {}, t('scan.vehicle'), vehicle),
        h('label', {}, t('scan.method'), method)),
      h('label', { class: 'wedge-label' }, t('scan.wedge'), wedge),
      pending,
      h('div', { class: 'row buttons' }, cameraButton,
        h('label', { class: 'button big', for: 'photo' }, t('scan.photo')), photo,
        h('button', { type: 'button', class: 'primary big', id: 'sync', onclick: () => sync() }, t('scan.sync'))),
      video, msg),
    h('section', { class: 'card' },
      h('div', { class: 'row' }, h('h2', {}, t('scan.queue')),
        h('button', { type: 'button', class: 'link', id: 'clear-done', onclick: async () => { await outbox.removeFinished(); refresh(); } }, t('scan.clear'))),
      counts, list));
  fieldVisibility();
  wedge.focus();
  await refresh();
  showTrust();
  await refreshTrust();
  const f = navigator.onLine ? await api.get('/api/v1/facilities', { query: { limit: 1000 } }) : { ok: false };
  if (f.ok) localStorage.setItem('cradle.facilities', JSON.stringify(f.data.items || []));
  const facilities = f.ok ? f.data.items || [] : JSON.parse(localStorage.getItem('cradle.facilities') || '[]');
  if (facilities.length) {
    clear(facility, facilities.map((x) => h('option', { value: x.id }, `${x.name} (${x.id})`)));
    if (saved.facility) facility.value = saved.facility;
  }
  sync();
  return () => {
    stopCamera();
    clearInterval(every);
    window.removeEventListener('online', onNet);
    window.removeEventListener('offline', onNet);
  };
}
