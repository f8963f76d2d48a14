// A producer's and a facility's day. Producer: containers in storage waiting for collection
// (issued), what is out (collected), labels to print, and its transfer manifests (转移联单)
// under way. Facility: the manifests on their way to it, those delivered that wait for its
// receipt confirmation (overdue first), and containers collected for it. Every empty list says
// what to do next.
import { t } from '../i18n.js';
import { h, clear, notice, dataTable, table, when } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import { printLabels } from '../labels.js';
import { parties } from '../parties.js';
import { transferColumns, problemNotice } from './transfers.js';

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

// The organisation's transfers in the given statuses (one request per status), and the ids of
// those overdue for receipt.
async function trips(statuses) {
  const rs = await Promise.all([...statuses.map((status) => api.get('/api/v1/transfers', { query: { status, limit: 200 } })),
    api.get('/api/v1/transfers', { query: { overdue: 'true', limit: 200 } })]);
  const bad = rs.find((r) => !r.ok);
  if (bad) return bad;
  const overdue = new Set((rs.pop().data.items || []).map((x) => x.id));
  const items = rs.flatMap((r) => r.data.items || []);
  items.sort((a, b) => (overdue.has(b.id) - overdue.has(a.id)) || a.id.localeCompare(b.id));
  return { ok: true, items, overdue };
}

function tripSection(id, title, r, names, empty, extra) {
  const body = !r.ok ? problemNotice(r)
    : r.items.length ? table(transferColumns(names, r.overdue), r.items, { className: 'transfers' })
      : h('div', { class: 'empty-state' }, h('p', {}, empty), extra || null);
  return h('section', { class: 'card', id }, h('h2', {}, title, r.ok ? h('span', { class: 'count' }, ` ${r.items.length}`) : null), body);
}

async function producerDay(main) {
  const me = session.org();
  const [waiting, out, mine, names] = await Promise.all([list({ producer: me, status: 'issued' }), list({ producer: me, status: 'collected' }),
    trips(['draft', 'submitted', 'in_transit', 'delivered']), parties()]);
  const msg = h('div', { class: 'msg' });
  const print = waiting.ok && waiting.items.length
    ? h('button', { type: 'button', class: 'primary big', id: 'print-waiting', onclick: () => printLabels(waiting.items.map((m) => m.id), msg) },
      `${t('day.toPrint')} (${waiting.items.length})`) : null;
  clear(main, h('div', { class: 'row' }, h('h1', {}, t('day.producer')), print), msg,
    section('day-waiting', t('day.waiting'), waiting, t('day.emptyWaiting'), h('a', { class: 'button primary big', href: '#/issue' }, t('day.issueNow'))),
    tripSection('day-trips-out', t('day.tripsOut'), mine, names, t('day.noTripsOut'), h('a', { class: 'button primary big', href: '#/transfer-new' }, t('tr.new'))),
    section('day-out', t('day.out'), out, t('day.emptyOut')));
}

async function facilityDay(main) {
  const [coming, receipts, names] = await Promise.all([trips(['submitted', 'in_transit']), trips(['delivered']), parties()]);
  // A facility may not list manifests (it reads them by id): then the section says what to do.
  let awaiting = await list({ status: 'collected' });
  if (!awaiting.ok && awaiting.status === 403) awaiting = { ok: true, items: [] };
  const scan = () => h('a', { class: 'button primary big', href: '#/scan' }, t('day.scanNow'));
  clear(main, h('h1', {}, t('day.facility')),
    tripSection('day-receipts', t('day.receipts'), receipts, names, t('day.noReceipts'), scan()),
    tripSection('day-trips', t('day.trips'), coming, names, t('day.emptyAwaiting'), scan()),
    section('day-awaiting', t('day.awaiting'), awaiting, t('day.emptyAwaiting'), scan()));
}

export async function dayView(main) {
  clear(main, h('p', { class: 'loading' }, t('common.loading')));
  if (session.role() === 'facility') return facilityDay(main);
  return producerDay(main);
}
