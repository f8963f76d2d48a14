// Producer: issue manifests. The server validates; its 422 field errors show next to fields.
import { t } from '../i18n.js';
import { h, clear, notice, kg, badge } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';
import { printLabels } from '../labels.js';

const PACKAGING = ['DR', 'BG', 'TB', 'BX', 'IB', 'TK', 'BK', 'OT'];

function field(name, label, input) {
  input.name = name;
  input.id = `f-${name}`;
  return h('label', { class: 'field', dataset: { field: name } }, label, input, h('span', { class: 'field-error' }));
}

export async function issueView(main) {
  const msg = h('div', { class: 'msg' });
  const result = h('div', { class: 'result' });
  const facilities = h('select', {}, h('option', { value: '' }, t('issue.none')));
  const form = h('form', { class: 'grid-form', novalidate: true },
    field('waste_code', t('issue.waste_code'), h('input', { placeholder: t('issue.waste_code.hint'), autocomplete: 'off', required: true })),
    field('mass_g', t('issue.mass'), h('input', { type: 'number', min: '0.001', step: '0.001', inputmode: 'decimal', required: true })),
    field('packaging', t('issue.packaging'), h('select', {}, PACKAGING.map((p) => h('option', { value: p }, `${t(`pkg.${p}`)} (${p})`)))),
    field('count', t('issue.count'), h('input', { type: 'number', min: 1, max: 1000, value: 1, required: true })),
    field('produced_on', t('issue.produced_on'), h('input', { type: 'date' })),
    field('destination', t('issue.destination'), facilities),
    field('description', t('issue.description'), h('input', { maxlength: 200 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'issue-submit' }, t('issue.submit'))));

  let idempotencyKey = crypto.randomUUID();
  form.addEventListener('input', () => { idempotencyKey = crypto.randomUUID(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const e of form.querySelectorAll('.field')) { e.classList.remove('invalid'); e.querySelector('.field-error').textContent = ''; }
    const v = (n) => form.elements[n].value.trim();
    const body = {
      producer: session.org(), waste_code: v('waste_code'), packaging: v('packaging'),
      mass_g: Math.round(Number(v('mass_g')) * 1000), count: Number(v('count')),
    };
    if (v('produced_on')) body.produced_on = v('produced_on');
    if (v('destination')) body.destination = v('destination');
    if (v('description')) body.description = v('description');
    const button = form.querySelector('#issue-submit');
    button.disabled = true;
    const r = await api.post('/api/v1/manifests', body, { headers: { 'Idempotency-Key': idempotencyKey } });
    button.disabled = false;
    if (r.status === 422 && r.problem?.errors?.length) {
      for (const e of r.problem.errors) {
        const el = form.querySelector(`.field[data-field="${CSS.escape(e.field)}"]`);
        if (el) { el.classList.add('invalid'); el.querySelector('.field-error').textContent = `${e.code}: ${e.detail || ''}`; }
      }
      clear(msg, notice('error', t('issue.invalid')));
      return;
    }
    if (!r.ok) { clear(msg, notice('error', t('common.error', { msg: api.describe(r) }))); return; }
    idempotencyKey = crypto.randomUUID();
    const issued = r.data.manifests || [];
    clear(msg, notice('ok', t('issue.done', { n: issued.length })));
    showIssued(issued);
  });

  function showIssued(issued) {
    const labelMsg = h('div', { class: 'msg' });
    clear(result, h('section', { class: 'card' },
      h('div', { class: 'row' },
        h('h2', {}, t('issue.done', { n: issued.length })),
        h('button', { class: 'primary', id: 'print-labels', onclick: () => printLabels(issued.map((m) => m.id), labelMsg) }, t('issue.print'))),
      labelMsg,
      h('ul', { class: 'issued', id: 'issued-list' }, issued.map((m) => h('li', {},
        h('a', { href: `#/manifest/${encodeURIComponent(m.id)}`, class: 'mono' }, m.id), ' ', badge(m.status), ' ', kg(m.mass_g))))));
  }

  clear(main, h('section', { class: 'card' }, h('h1', {}, t('issue.title')), msg, form), result);
  const f = await api.get('/api/v1/facilities', { query: { limit: 1000 } });
  if (f.ok) for (const x of f.data.items) facilities.append(h('option', { value: x.id }, `${x.name} (${x.id})`));
}
