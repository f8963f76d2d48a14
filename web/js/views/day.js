// A producer's and a facility's day. Producer: containers in storage waiting for collection
// (issued), what is out (collected), labels to print. Facility: the transfer manifests due
// today once the server has them, and containers collected for it that wait for receipt.
// Every empty list says what to do next.
import { t } from '../i18n.js';
import { h, clear, notice, dataTable, kg, when } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import { printLabels } from '../labels.js';

const idCell = (m) => h('a', { class: 'mono', href: `#/manifest/${encodeURIComponent(m.id)}` }, m.id);
const cols = () => [
  { label: t('list.id'), value: (m) => m.id, cell: idCell },
  { label: t('list.code'), value: (m) => m.waste_code },
  { label: t('list.mass'), value: (m) => m.mass_g / 1000 },
  { label: t('list.pkg'), value: (m) => t(`pkg.${m.packaging}`) },
  { label: t('list.issued'), value: (m) => when(m.issued_at) },
];

async function list(query) {
  const r = await api.get('/api/v1/manifests', { query: { ...query, limit: 200, order: 'newest' } });
  return r.ok ? { ok: true, items: r.data.items || [] } : r;
}

function section(id, title, r, empty, extra) {
  const body = !r.ok ? notice('error', api.describe(r))
    : r.items.length ? dataTable(cols(), r.items, { id: `${id}-table` }) : h('div', { class: 'empty-state' }, h('p', {}, empty), extra || null);
  return h('section', { class: 'card', id }, h('h2', {}, title, r.ok ? h('span', { class: 'count' }, ` ${r.items.length}`) : null), body);
}

async function producerDay(main) {
  const me = session.org();
  const [waiting, out] = await Promise.all([list({ producer: me, status: 'issued' }), list({ producer: me, status: 'collected' })]);
  const msg = h('div', { class: 'msg' });
  const print = waiting.ok && waiting.items.length
    ? h('button', { type: 'button', class: 'primary big', id: 'print-waiting', onclick: () => printLabels(waiting.items.map((m) => m.id), msg) },
      `${t('day.toPrint')} (${waiting.items.length})`) : null;
  clear(main, h('div', { class: 'row' }, h('h1', {}, t('day.producer')), print), msg,
    section('day-waiting', t('day.waiting'), waiting, t('day.emptyWaiting'), h('a', { class: 'button primary big', href: '#/issue' }, t('day.issueNow'))),
    section('day-out', t('day.out'), out, t('day.emptyOut')));
}

async function facilityDay(main) {
  const trips = await api.get('/api/v1/transfers', { query: { limit: 200 } });
  // A facility may not list manifests (it reads them by id); until transfers list what comes
  // to it, the section says what to do instead of showing the refusal.
  let awaiting = await list({ status: 'collected' });
  if (!awaiting.ok && awaiting.status === 403) awaiting = { ok: true, items: [] };
  const today = new Date().toISOString().slice(0, 10);
  let tripBox;
  if (!trips.ok) {
    tripBox = notice('info', trips.notAvailable ? t('day.noTrips') : api.describe(trips));
  } else {
    const due = (trips.data.items || []).filter((x) => String(x.planned_on || x.created_at || '').startsWith(today));
    tripBox = due.length ? h('ul', { id: 'day-trip-list' }, due.map((x) => h('li', { class: 'mono' }, x.number || x.id)))
      : h('p', { class: 'empty' }, t('common.empty'));
  }
  clear(main, h('h1', {}, t('day.facility')),
    h('section', { class: 'card', id: 'day-trips' }, h('h2', {}, t('day.trips')), tripBox),
    section('day-awaiting', t('day.awaiting'), awaiting, t('day.emptyAwaiting'), h('a', { class: 'button primary big', href: '#/scan' }, t('day.scanNow'))));
}

export async function dayView(main) {
  clear(main, h('p', { class: 'loading' }, t('common.loading')));
  if (session.role() === 'facility') return facilityDay(main);
  return producerDay(main);
}
