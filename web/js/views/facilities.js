// Facilities with their kind and capacity (GET /api/v1/facilities), paged.
import { t } from '../i18n.js';
import { h, clear, notice, table } from '../dom.js';
import * as api from '../api.js';

export function capacityText(f) {
  const c = f.capacity || {};
  if (c.volume_m3) return t('cap.volume', { v: (c.volume_m3 / 10000).toLocaleString(undefined, { maximumFractionDigits: 2 }) });
  if (c.t_per_year) return t('cap.tpy', { v: c.t_per_year.toLocaleString() });
  return '—';
}

export function facilityTable(items) {
  return table([
    { label: t('fac.id'), cell: (f) => h('span', { class: 'mono' }, f.id) },
    { label: t('fac.name'), cell: (f) => f.name },
    { label: t('fac.kind'), cell: (f) => t(`fkind.${f.kind}`) },
    { label: t('fac.operator'), cell: (f) => h('a', { class: 'mono', href: `#/orgs` }, f.operator) },
    { label: t('fac.capacity'), cell: capacityText },
    { label: t('fac.accepts'), cell: (f) => String((f.accepts || []).length) },
  ], items, { className: 'facilities' });
}

export async function facilitiesView(main, { query }) {
  const after = query.get('after') || '';
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  clear(main, h('section', { class: 'card' }, h('h1', {}, t('fac.title')), body));
  const r = await api.get('/api/v1/facilities', { query: { after, limit: 50 } });
  if (!r.ok) { clear(body, notice('error', api.describe(r))); return; }
  clear(body, facilityTable(r.data.items || []),
    h('div', { class: 'pager' },
      after ? h('a', { class: 'button', href: '#/facilities' }, t('common.prev')) : null,
      r.data.next ? h('a', { class: 'button', href: `#/facilities?after=${encodeURIComponent(r.data.next)}` }, t('common.next')) : null));
}
