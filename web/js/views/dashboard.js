// Regulator dashboard: the month's reconciliation (with CSV export), the audit chain status,
// facility capacity and the cases board. Each panel loads on its own and shows its own state.
import { t } from '../i18n.js';
import { h, clear, notice, table, download } from '../dom.js';
import * as api from '../api.js';
import { facilityTable } from './facilities.js';
import { casesBoard } from './cases.js';

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

// The reconciliation's arrays of rows as tables, whatever their columns; producer rows link
// to that producer's manifests.
function reconTables(data) {
  const out = [];
  for (const [key, value] of Object.entries(data || {})) {
    if (!Array.isArray(value) || !value.length || typeof value[0] !== 'object') continue;
    const cols = Object.keys(value[0]).filter((k) => typeof value[0][k] !== 'object');
    out.push(h('h3', {}, key), table(cols.map((c) => ({ label: c, cell: (row) => (c === 'producer'
      ? h('a', { href: `#/manifests?producer=${encodeURIComponent(row[c])}`, class: 'mono' }, String(row[c]))
      : String(row[c] ?? '')) })), value));
  }
  return out.length ? out : [h('p', { class: 'empty' }, t('common.empty'))];
}

async function reconciliation(panel, month) {
  clear(panel, h('p', { class: 'loading' }, t('common.loading')));
  const path = `/api/v1/reconciliation/${month}`;
  const r = await api.get(path);
  if (r.notAvailable) { clear(panel, notice('info', t('common.notAvailable', { path: `GET /api/v1/reconciliation/{YYYY-MM}` }))); return false; }
  if (!r.ok) { clear(panel, notice('error', api.describe(r))); return false; }
  clear(panel, reconTables(r.data));
  return true;
}

async function auditStatus(panel) {
  const r = await api.get('/api/v1/audit/verify');
  if (!r.ok) { clear(panel, notice('error', api.describe(r))); return; }
  const d = r.data;
  clear(panel, d.ok
    ? notice('ok', t('dash.auditOk', { n: d.length, h: String(d.head || '').slice(0, 12) }))
    : notice('error', t('dash.auditBad', { detail: `seq ${d.first_bad_seq ?? '?'}` })));
}

export async function dashboardView(main) {
  const month = h('input', { type: 'month', id: 'month', value: thisMonth() });
  const recon = h('div', { id: 'recon' });
  const csv = h('button', { id: 'csv', disabled: true, onclick: async () => {
    const r = await api.call('GET', `/api/v1/reconciliation/${month.value}`, { query: { format: 'csv' }, raw: true, accept: 'text/csv' });
    if (r.ok) download(r.blob, `reconciliation-${month.value}.csv`);
  } }, t('dash.csv'));
  const audit = h('div', { id: 'audit-status' }, h('p', { class: 'loading' }, t('common.loading')));
  const facilities = h('div', { id: 'dash-facilities' }, h('p', { class: 'loading' }, t('common.loading')));
  const cases = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  const loadRecon = async () => { csv.disabled = !(await reconciliation(recon, month.value)); };
  month.addEventListener('change', loadRecon);
  clear(main,
    h('h1', {}, t('dash.title')),
    h('div', { class: 'dash-grid' },
      h('section', { class: 'card' }, h('h2', {}, t('dash.audit')), audit),
      h('section', { class: 'card' }, h('h2', {}, t('dash.facilities')), facilities)),
    h('section', { class: 'card' },
      h('div', { class: 'row' }, h('h2', {}, t('dash.recon')),
        h('label', { class: 'inline' }, t('dash.month'), month), csv),
      recon),
    h('section', { class: 'card' }, h('h2', {}, t('dash.cases')), cases));
  const f = api.get('/api/v1/facilities', { query: { limit: 1000 } }).then((r) =>
    clear(facilities, r.ok ? facilityTable(r.data.items || []) : notice('error', api.describe(r))));
  await Promise.all([auditStatus(audit), loadRecon(), f, casesBoard().then((b) => clear(cases, b))]);
}
