// Manifests list: status filter, cursor paging, producer filter (regulator drill-down), and
// for producers a selection to print labels.
import { t } from '../i18n.js';
import { h, clear, notice, kg, when, badge, table } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import { printLabels } from '../labels.js';

const STATUSES = ['issued', 'collected', 'received', 'disposed', 'voided', 'rejected'];
const PAGE = 20;

export async function manifestsView(main, { query, go }) {
  const producer = query.get('producer') || '';
  const status = query.get('status') || '';
  const after = query.get('after') || '';
  const back = query.get('back') ? query.get('back').split(',') : [];  // cursors of earlier pages
  const role = session.role();
  const msg = h('div', { class: 'msg' });
  const link = (changes) => {
    const q = new URLSearchParams({ producer, status, after, back: back.join(','), ...changes });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    return `#/manifests?${q}`;
  };
  const statusSel = h('select', { id: 'status-filter', onchange: (e) => go(link({ status: e.target.value, after: '', back: '' })) },
    h('option', { value: '' }, t('common.all')), STATUSES.map((s) => h('option', { value: s }, t(`status.${s}`))));
  statusSel.value = status;
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  clear(main, h('section', { class: 'card' },
    h('div', { class: 'row' }, h('h1', {}, t('list.title')),
      h('label', { class: 'inline' }, t('list.status'), statusSel)),
    producer ? h('p', { class: 'filter' }, t('list.filterProducer', { p: producer }), ' ',
      h('a', { href: '#/manifests' }, t('list.clearFilter'))) : null,
    msg, body));

  const r = await api.get('/api/v1/manifests', { query: { producer, status, after, limit: PAGE, order: 'newest' } });
  if (!r.ok) { clear(body, notice(r.notAvailable ? 'info' : 'error', api.describe(r))); return; }
  const items = r.data.items || [];
  const selected = new Set();
  const columns = [];
  if (role === 'producer') {
    columns.push({ label: t('list.select'), cell: (m) => h('input', { type: 'checkbox', 'aria-label': m.id,
      onchange: (e) => (e.target.checked ? selected.add(m.id) : selected.delete(m.id)) }) });
  }
  columns.push(
    { label: t('list.id'), cell: (m) => h('a', { class: 'mono', href: `#/manifest/${encodeURIComponent(m.id)}` }, m.id) },
    { label: t('list.code'), cell: (m) => m.waste_code },
    { label: t('list.mass'), cell: (m) => kg(m.mass_g) },
    { label: t('list.pkg'), cell: (m) => t(`pkg.${m.packaging}`) },
    { label: t('list.status'), cell: (m) => badge(m.status) },
    { label: t('list.issued'), cell: (m) => when(m.issued_at) });
  if (role !== 'producer') {
    columns.splice(1, 0, { label: t('list.producer'), cell: (m) => h('a', { href: link({ producer: m.producer, after: '', back: '' }), class: 'mono' }, m.producer) });
  }
  const prev = back.length ? h('a', { class: 'button', id: 'prev-page', href: link({ after: back[back.length - 1].replace(/^-$/, ''), back: back.slice(0, -1).join(',') }) }, t('common.prev'))
    : h('span', { class: 'button disabled' }, t('common.prev'));
  const next = r.data.next ? h('a', { class: 'button', id: 'next-page', href: link({ after: r.data.next, back: [...back, after || '-'].join(',') }) }, t('common.next'))
    : h('span', { class: 'button disabled' }, t('common.next'));
  const labelMsg = h('div', { class: 'msg' });
  clear(body, table(columns, items, { className: 'manifests' }),
    h('div', { class: 'pager' }, prev, next,
      role === 'producer' && items.length ? h('button', { id: 'print-selected', onclick: () => selected.size && printLabels([...selected], labelMsg) }, t('list.printSel')) : null),
    labelMsg);
}
