// One manifest: its fields, label preview, timeline, and (producer, issued) voiding.
import { t } from '../i18n.js';
import { h, clear, notice, kg, when, badge } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import { printLabels } from '../labels.js';

function timelineItem(e) {
  const facts = [
    e.mass_g !== undefined ? kg(e.mass_g) : null,
    e.facility, e.vehicle, e.method, e.reason, e.note,
  ].filter(Boolean).join(' · ');
  return h('li', { class: `event event-${e.kind}` },
    h('span', { class: 'event-kind' }, t(`kind.${e.kind}`)),
    h('span', { class: 'event-time' }, when(e.scanned_at || e.received_at)),
    h('span', { class: 'event-actor mono' }, e.device || e.actor || ''),
    facts ? h('span', { class: 'event-facts' }, facts) : null);
}

export async function detailView(main, { arg, go }) {
  const id = arg || '';
  clear(main, h('p', { class: 'loading' }, t('common.loading')));
  const r = await api.get(`/api/v1/manifests/${encodeURIComponent(id)}`);
  if (!r.ok) { clear(main, notice('error', t('common.error', { msg: api.describe(r) }))); return; }
  const m = r.data;
  const msg = h('div', { class: 'msg' });
  const preview = h('div', { class: 'label-preview' });
  const facts = [
    [t('list.producer'), m.producer], [t('list.code'), m.waste_code], [t('list.mass'), kg(m.mass_g)],
    [t('list.pkg'), t(`pkg.${m.packaging}`)], [t('issue.produced_on'), m.produced_on],
    [t('issue.destination'), m.destination || '—'], [t('issue.description'), m.description || '—'],
    [t('list.issued'), when(m.issued_at)],
  ];
  const events = m.timeline || [];
  let voidBox = null;
  if (session.role() === 'producer' && m.status === 'issued') {
    const reason = h('input', { id: 'void-reason', maxlength: 500, required: true });
    voidBox = h('form', { class: 'void', onsubmit: async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) { reason.focus(); return; }
      const v = await api.post(`/api/v1/manifests/${encodeURIComponent(id)}/void`, { reason: reason.value.trim() });
      if (!v.ok) { clear(msg, notice('error', t('common.error', { msg: api.describe(v) }))); return; }
      go(`#/manifest/${encodeURIComponent(id)}?voided=1`);
    } }, h('label', {}, t('detail.reason'), reason),
    h('button', { type: 'submit', class: 'danger', id: 'void-submit' }, t('detail.void')));
  }
  clear(main,
    h('section', { class: 'card' },
      h('div', { class: 'row' }, h('h1', {}, t('detail.title'), ' ', badge(m.status)),
        session.role() === 'producer' ? h('button', { onclick: () => printLabels([id], msg) }, t('issue.print')) : null),
      h('p', { class: 'mono id' }, m.id),
      msg,
      h('div', { class: 'detail-grid' },
        h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        preview)),
    h('section', { class: 'card' }, h('h2', {}, t('detail.timeline')),
      events.length ? h('ol', { class: 'timeline', id: 'timeline' }, events.map(timelineItem)) : h('p', {}, t('detail.noEvents'))),
    voidBox ? h('section', { class: 'card' }, h('h2', {}, t('detail.void')), voidBox) : null);
  if (location.hash.includes('voided=1')) msg.append(notice('ok', t('detail.voided')));
  const svg = await api.call('GET', `/api/v1/manifests/${encodeURIComponent(id)}/label.svg`, { raw: true });
  if (svg.ok) {
    const url = URL.createObjectURL(svg.blob);
    preview.append(h('figure', {}, h('img', { src: url, alt: t('detail.label'), id: 'label-img' }), h('figcaption', {}, t('detail.label'))));
  }
}
