// Cases board (GET /api/v1/cases): one column per status. Shows a clear notice while the
// server has no cases endpoint yet.
import { t } from '../i18n.js';
import { h, clear, notice, when } from '../dom.js';
import * as api from '../api.js';

const COLUMNS = ['open', 'dispatched', 'responded', 'closed'];

export async function casesBoard() {
  const r = await api.get('/api/v1/cases', { query: { limit: 200 } });
  if (r.notAvailable) return notice('info', t('common.notAvailable', { path: 'GET /api/v1/cases' }));
  if (!r.ok) return notice('error', api.describe(r));
  const items = r.data.items || [];
  return h('div', { class: 'board', id: 'cases-board' }, COLUMNS.map((status) => h('div', { class: 'board-col' },
    h('h3', {}, t(`case.${status}`), ' ', h('span', { class: 'count' }, String(items.filter((c) => c.status === status).length))),
    items.filter((c) => c.status === status).map((c) => h('div', { class: 'case-card' },
      h('strong', {}, t(`ckind.${c.kind}`)), h('div', { class: 'mono' }, c.party || c.manifest || c.id || ''),
      h('div', { class: 'muted' }, when(c.opened_at || c.created_at)))))));
}

export async function casesView(main) {
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  clear(main, h('section', { class: 'card' }, h('h1', {}, t('nav.cases')), body));
  clear(body, await casesBoard());
}
