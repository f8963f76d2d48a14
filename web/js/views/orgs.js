// Organisations (GET /api/v1/orgs), with a drill-down from a producer to its manifests.
import { t } from '../i18n.js';
import { h, clear, notice, table } from '../dom.js';
import * as api from '../api.js';

export async function orgsView(main, { query }) {
  const after = query.get('after') || '';
  const body = h('div', {}, h('p', { class: 'loading' }, t('common.loading')));
  clear(main, h('section', { class: 'card' }, h('h1', {}, t('orgs.title')), body));
  const r = await api.get('/api/v1/orgs', { query: { after, limit: 50 } });
  if (!r.ok) { clear(body, notice('error', api.describe(r))); return; }
  clear(body, table([
    { label: t('orgs.name'), cell: (o) => o.name },
    { label: t('orgs.uscc'), cell: (o) => h('span', { class: 'mono' }, o.uscc) },
    { label: t('orgs.roles'), cell: (o) => (o.roles || []).map((x) => t(`role.${x}`)).join('、') },
    { label: t('orgs.small'), cell: (o) => (o.small_enterprise ? t('common.yes') : t('common.no')) },
    { label: t('orgs.contact'), cell: (o) => o.contact || '—' },
    { label: '', cell: (o) => ((o.roles || []).includes('producer')
      ? h('a', { class: 'drill', href: `#/manifests?producer=${encodeURIComponent(o.uscc)}` }, t('orgs.manifests')) : '') },
  ], r.data.items || [], { className: 'orgs' }),
  h('div', { class: 'pager' },
    after ? h('a', { class: 'button', href: '#/orgs' }, t('common.prev')) : null,
    r.data.next ? h('a', { class: 'button', href: `#/orgs?after=${encodeURIComponent(r.data.next)}` }, t('common.next')) : null));
}
