// One transfer manifest (转移联单), GET /api/v1/transfers/{id}: its parties, vehicle and
// signatures, containers, lines per waste code, discrepancies, corrections and history, every
// status and field in words. What the signed-in organisation may do next is offered by its part
// on the trip and the trip's status (the server decides; a refusal shows as a notice):
//   sender:   edit containers, submit, cancel (draft/submitted); sign an ad hoc trip afterwards
//   receiver: confirm receipt with refusals, discrepancies by field and a weighbridge mass
//   carrier, receiver: return refused containers to the sender
//   any party: propose a correction after signing; approve or refuse the others' proposals
// Print opens GET /api/v1/transfers/{id}.pdf (fetched with the token, shown as a blob).
import * as api from '../api.js';
import {clear, h, kg, notice, table, when} from '../dom.js';
import {t} from '../i18n.js';
import {parties} from '../parties.js';
import {session} from '../session.js';

import {issuedPicker, myParts, overdueBadge, problemNotice, showProblem, tbadge} from './transfers.js';

const FIELDS = ['name', 'quantity', 'characteristics', 'form', 'packaging'];
const PACKAGING = ['DR', 'BG', 'TB', 'BX', 'IB', 'TK', 'BK', 'OT'];
const enc = encodeURIComponent;
const kgNum = (g) =>
    (g === undefined || g === null ?
         '—' :
         (g / 1000).toLocaleString(undefined, {maximumFractionDigits: 3}));

function signed(at) {
  return at ? when(at) : h('span', {class: 'muted'}, t('tr.notSigned'));
}

function input(form, name, label, attrs = {}) {
  const el = h('input', {...attrs, name, id: `${form}-${name}`});
  return h(
      'label', {class: 'field', dataset: {field: name}}, label, el,
      h('span', {class: 'field-error'}));
}

// A form whose submit posts `body()` to `path`, then reloads the page with `done` shown.
function actionForm({
  id,
  path,
  body,
  label,
  kind = 'primary',
  done,
  go,
  trId,
  children = [],
  method = api.post,
  after
}) {
  const msg = h('div', {class: 'msg'});
  const form =
      h('form', {class: 'action', id, novalidate: true}, children, msg,
        h('div', {class: 'actions'},
          h('button', {type: 'submit', class: `${kind} big`, id: `${id}-submit`}, label)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = body(form, msg);
    if (b === null) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const r = await method(path, b);
    button.disabled = false;
    if (!r.ok) {
      showProblem(form, msg, r);
      return;
    }
    if (after) {
      after(r);
      return;
    }
    go(`#/transfer/${enc(trId)}?done=${enc(done)}`);
  });
  return form;
}

function changesText(changes, names) {
  const out = [];
  if (!changes || typeof changes !== 'object') return '';
  if (changes.vehicle) out.push(`${t('tr.vehicle')}：${changes.vehicle}`);
  if (changes.driver?.name) out.push(`${t('tr.driverName')}：${changes.driver.name}`);
  if (changes.driver?.licence) out.push(`${t('tr.driverLicence')}：${changes.driver.licence}`);
  if (changes.receiver) out.push(`${t('tr.receiver')}：${names.facilityName(changes.receiver)}`);
  for (const c of changes.containers || []) {
    const parts = [];
    if (c.declared_g) parts.push(`${t('tr.declared')} ${kgNum(c.declared_g)}`);
    if (c.waste_code) parts.push(`${t('list.code')} ${c.waste_code}`);
    if (c.packaging) parts.push(`${t('list.pkg')} ${t(`pkg.${c.packaging}`)}`);
    out.push(`${c.manifest}：${parts.join('，')}`);
  }
  return out.join('；');
}

function printLink(id) {
  const msg = h('span', {class: 'msg', id: 'transfer-pdf-msg'});
  const a =
      h('a', {
        class: 'button big',
        id: 'transfer-pdf',
        href: `/api/v1/transfers/${enc(id)}.pdf`,
        target: '_blank',
        rel: 'noopener',
        onclick: async (ev) => {
          // The PDF needs the bearer token: fetch it, then open it as a blob in the tab opened now.
          ev.preventDefault();
          const tab = window.open('', '_blank');
          const r = await api.call(
              'GET', `/api/v1/transfers/${enc(id)}.pdf`, {raw: true, accept: 'application/pdf'});
          if (!r.ok) {
            if (tab) tab.close();
            clear(
                msg,
                notice(
                    r.notAvailable ? 'info' : 'error',
                    r.notAvailable ? t('tr.pdfMissing') : problemNotice(r).textContent));
            return;
          }
          const url = URL.createObjectURL(r.blob);
          if (tab) tab.location = url;
          clear(
              msg,
              notice(
                  'ok',
                  h('span', {}, t('tr.pdfOpened'), ' ',
                    h('a', {href: url, target: '_blank', id: 'transfer-pdf-blob'},
                      t('labels.open')))));
        }
      },
        t('tr.print'));
  return [a, msg];
}

function receiptForm(x, go) {
  const rows = x.containers.filter((c) => c.status === 'received' || c.status === 'loaded');
  const lines = rows.map((c, i) => {
    const refuse = h('input', {type: 'checkbox', id: `refuse-${i}`, class: 'refuse'});
    const reason = h('input', {id: `refuse-reason-${i}`, maxlength: 1000, disabled: true});
    const mass = h('input', {
      id: `refuse-mass-${i}`,
      type: 'number',
      min: 0,
      step: '0.001',
      inputmode: 'decimal',
      disabled: true
    });
    const field =
        h('select', {id: `disc-field-${i}`}, h('option', {value: ''}, t('tr.noDisc')),
          FIELDS.map((f) => h('option', {value: f}, t(`dfield.${f}`))));
    const note = h('input', {id: `disc-note-${i}`, maxlength: 2000, disabled: true});
    refuse.addEventListener('change', () => {
      reason.disabled = mass.disabled = !refuse.checked;
      if (refuse.checked) reason.focus();
    });
    field.addEventListener('change', () => {
      note.disabled = !field.value;
      if (field.value) note.focus();
    });
    return { c, refuse, reason, mass, field, note, el: h('li', { class: 'receipt-line', dataset: { manifest: c.manifest } },
      h('div', { class: 'receipt-head' }, h('span', { class: 'mono' }, c.manifest), ' ', h('span', {}, `${c.waste_code} · ${t(`pkg.${c.packaging}`)} · ${kg(c.received_g ?? c.pickup_g ?? c.declared_g)}`),
        ' ', h('span', { class: 'badge' }, t(`cstatus.${c.status}`))),
      h('div', { class: 'receipt-grid' },
        h('label', { class: 'check big-check', for: refuse.id }, refuse, t('tr.refuse')),
        h('label', {
        for: reason.id
      }, t('tr.refuseReason'), reason),
        h('label', { for: mass.id }, t('tr.refuseMass'), mass),
        h('label', { for: field.id }, t('tr.discField'), field),
        h('label', { for: note.id }, t('tr.discNote'), note))) };
  });
    return actionForm({
      id: 'receipt',
      path: `/api/v1/transfers/${enc(x.id)}/receipt`,
      label: t('tr.confirm'),
      done: 'confirmed',
      go,
      trId: x.id,
      children: [
        h('p', {class: 'hint'}, t('tr.receiptHint')),
        h('ul', {class: 'receipt-lines', id: 'receipt-lines'}, lines.map((l) => l.el)),
        input(
            'receipt', 'weighbridge_g', t('tr.weighbridgeKg'),
            {type: 'number', min: 0, step: '0.001', inputmode: 'decimal'}),
        input('receipt', 'note', t('tr.note'), {maxlength: 2000})
      ],
      body: (form, msg) => {
        const refused = [];
        const discrepancies = [];
        for (const l of lines) {
          if (l.refuse.checked) {
            if (!l.reason.value.trim()) {
              clear(msg, notice('error', t('tr.refuseReason')));
              l.reason.focus();
              return null;
            }
            const r = {manifest: l.c.manifest, reason: l.reason.value.trim()};
            if (l.mass.value.trim()) r.mass_g = Math.round(Number(l.mass.value) * 1000);
            refused.push(r);
          }
          if (l.field.value) {
            if (!l.note.value.trim()) {
              clear(msg, notice('error', t('tr.discNote')));
              l.note.focus();
              return null;
            }
            discrepancies.push(
                {manifest: l.c.manifest, field: l.field.value, note: l.note.value.trim()});
          }
        }
        const b = {refused, discrepancies};
        const wb = form.elements.weighbridge_g.value.trim();
        if (wb) b.weighbridge_g = Math.round(Number(wb) * 1000);
        if (form.elements.note.value.trim()) b.note = form.elements.note.value.trim();
        return b;
      }
    });
}

function revisionsBox(x, names, go) {
    const me = session.org();
    if (!x.revisions.length) return h('p', {class: 'empty'}, t('common.empty'));
    return h('ol', {class: 'revisions', id: 'revisions'}, x.revisions.map((r) => {
      const mine = r.status === 'proposed' && (r.approvers || []).includes(me) &&
          !(r.votes || []).some((v) => v.party === me);
      const msg = h('div', {class: 'msg'});
      const answer = (approve) => async () => {
        const res =
            await api.post(`/api/v1/revisions/${enc(r.id)}/${approve ? 'approve' : 'refuse'}`, {});
        if (!res.ok) {
          clear(msg, problemNotice(res));
          return;
        }
        go(`#/transfer/${enc(x.id)}?done=answered`);
      };
      return h(
          'li', {class: `revision revision-${r.status}`, dataset: {revision: r.id}},
          h('div', {class: 'row'}, h('strong', {}, changesText(r.changes, names)),
            h('span', {class: 'badge'}, t(`rstatus.${r.status}`))),
          h('div', {class: 'muted'},
            `${t('tr.by')}：${names.orgName(r.proposed_by)} · ${when(r.created_at)} · ${
                t('tr.reason')}：${r.reason}`),
          (r.votes || []).length ?
              h('div', {class: 'muted'}, `${t('tr.votes')}：`,
                r.votes
                    .map(
                        (v) =>
                            `${names.orgName(v.party)} ${t(`vote.${v.decision}`)}（${when(v.at)}）`)
                    .join('；')) :
              null,
          mine ? h('div', {class: 'row buttons'},
                   h('button', {
                     type: 'button',
                     class: 'primary big',
                     id: `approve-${r.id}`,
                     onclick: answer(true)
                   },
                     t('tr.approve')),
                   h('button', {
                     type: 'button',
                     class: 'danger big',
                     id: `refuse-rev-${r.id}`,
                     onclick: answer(false)
                   },
                     t('tr.refuseRev'))) :
                 null,
          msg);
    }));
}

function historyItem(e, names) {
    const move = e.from && e.from !== e.to ? `${t(`tstatus.${e.from}`)} → ${t(`tstatus.${e.to}`)}` :
                                             t(`tstatus.${e.to}`);
    const d = e.detail || {};
    const facts = [];
    if (d.reason) facts.push(`${t('tr.reason')}：${d.reason}`);
    if (d.refused) facts.push(`${t('cstatus.refused')} ${d.refused}`);
    if (d.weighbridge_g) facts.push(`${t('tr.weighbridge')} ${kg(d.weighbridge_g)}`);
    return h(
        'li', {class: `event event-t-${e.action.replace('.', '-')}`},
        h('span', {class: 'event-kind'}, t(`tact.${e.action}`)),
        h('span', {class: 'event-time'}, when(e.at)), h('span', {}, move),
        facts.length ? h('span', {class: 'event-facts'}, facts.join(' · ')) : null);
}

export async function transferView(main, { arg, go, query }) {
    const id = arg || '';
    clear(main, h('p', {class: 'loading'}, t('common.loading')));
    const [r, names, over] = await Promise.all([
      api.get(`/api/v1/transfers/${enc(id)}`), parties(),
      api.get('/api/v1/transfers', {query: {overdue: 'true', limit: 200}})
    ]);
    if (!r.ok) {
      clear(main, problemNotice(r));
      return;
    }
    const x = r.data;
    const overdue = over.ok && (over.data.items || []).some((o) => o.id === x.id);
    const parts = new Set(myParts(x));
    const role = session.role();
    const live = x.containers.filter((c) => c.status !== 'removed');
    const done = query.get('done') || (query.get('created') ? 'created' : '');
    const doneText = {
      created: t('tr.created'),
      submitted: t('tr.submitted'),
      signed: t('tr.signed'),
      cancelled: t('tr.cancelled'),
      confirmed: t('tr.confirmed'),
      edited: t('tr.edited'),
      proposed: t('tr.proposed'),
      answered: t('tr.answered')
    }[done];

    const facts = [
      [t('tr.sender'), names.orgName(x.sender)],
      [t('tr.carrier'), names.orgName(x.carrier)],
      [
        t('tr.receiver'),
        x.receiver ? names.facilityName(x.receiver) : names.orgName(x.receiver_org)
      ],
      [t('tr.receiverOrg'), names.orgName(x.receiver_org)],
      [t('tr.vehicle'), x.vehicle || '—'],
      [
        t('tr.driver'),
        x.driver ? [x.driver.name, x.driver.licence].filter(Boolean).join(' · ') : '—'
      ],
      [t('tr.purpose'), t(`purpose.${x.purpose}`)],
      [t('tr.plannedOn'), x.planned_on || '—'],
      [t('tr.createdAt'), when(x.created_at)],
      [t('tr.senderSigned'), signed(x.sender_signed_at)],
      [t('tr.carrierSigned'), signed(x.carrier_signed_at)],
      [t('tr.receiverSigned'), signed(x.receiver_signed_at)],
      [t('tr.deliveredAt'), when(x.delivered_at)],
      [
        t('tr.receiptDue'),
        h('span', {}, x.receipt_due || '—', overdue ? [' ', overdueBadge()] : null)
      ],
    ];
    if (x.ad_hoc) facts.push([t('tr.adHoc'), x.trip_day || t('common.yes')]);
    if (x.return_of)
      facts.push([
        t('tr.returnOf'),
        h('a', {class: 'mono', href: `#/transfer/${enc(x.return_of)}`}, x.return_of)
      ]);
    if (x.weighbridge_g) facts.push([t('tr.weighbridge'), kg(x.weighbridge_g)]);
    if (x.receipt_note) facts.push([t('tr.receiptNote'), x.receipt_note]);
    if (x.cancel_reason) facts.push([t('tr.cancelReason'), x.cancel_reason]);

    // What this organisation may do now.
    const actions = [];
    const isSender = parts.has('sender') || role === 'admin';
    if (isSender && x.status === 'draft') {
      const submitMsg = h('div', {class: 'msg', id: 'submit-msg'});
      actions.push(
          h('div', {class: 'row buttons'},
            h('button', {
              type: 'button',
              class: 'primary big',
              id: 'transfer-submit',
              onclick: async (ev) => {
                ev.target.disabled = true;
                const s = await api.post(`/api/v1/transfers/${enc(x.id)}/submit`, {});
                ev.target.disabled = false;
                if (!s.ok) {
                  clear(submitMsg, problemNotice(s));
                  return;
                }
                go(`#/transfer/${enc(x.id)}?done=submitted`);
              }
            },
              t('tr.submit'))),
          submitMsg);
      const picker = await issuedPicker(new Set(live.map((c) => c.manifest)));
      const removeBoxes =
          live.map((c) => ({c, box: h('input', {type: 'checkbox', id: `remove-${c.manifest}`})}));
    actions.push(h('h3', {}, t('tr.edit')), actionForm({ id: 'edit', path: `/api/v1/transfers/${enc(x.id)}/containers`, label: t('common.save'),
      kind: '', done: 'edited', go, trId: x.id,
      children: [h('ul', { class: 'pick' }, removeBoxes.map(({ c, box }) => h('li', {},
        h('label', { class: 'check', for: box.id }, box, `${t('tr.remove')} `, h('span', { class: 'mono' }, c.manifest))))),
      h('fieldset', { class: 'field', dataset: { field: 'add' } }, h('legend', {}, t('tr.pick')), picker.el, h('span', { class: 'field-error' }))],
      body: (form, msg) => {
          const add = picker.chosen();
          const remove = removeBoxes.filter((b) => b.box.checked).map((b) => b.c.manifest);
          if(!add.length && !remove.length) {
            clear(msg, notice('error', t('tr.pickNone')));
            return null;
          }
          return {add, remove};
        } }));
  }
  if (isSender && x.ad_hoc && !x.sender_signed_at && x.status !== 'cancelled') {
        actions.push(h('p', {class: 'hint'}, t('tr.signHint')), actionForm({
                       id: 'sign',
                       path: `/api/v1/transfers/${enc(x.id)}/sign`,
                       label: t('tr.sign'),
                       done: 'signed',
                       go,
                       trId: x.id,
                       body: () => ({})
                     }));
  }
  if (isSender && (x.status === 'draft' || x.status === 'submitted')) {
        actions.push(h('h3', {}, t('tr.cancel')), actionForm({
                       id: 'cancel',
                       path: `/api/v1/transfers/${enc(x.id)}/cancel`,
                       label: t('tr.cancel'),
                       kind: 'danger',
                       done: 'cancelled',
                       go,
                       trId: x.id,
                       children: [input(
                           'cancel', 'reason', t('tr.reason'), {maxlength: 1000, required: true})],
                       body: (form, msg) => {
                         const reason = form.elements.reason.value.trim();
                         if (!reason) {
                           clear(msg, notice('error', t('tr.reason')));
                           form.elements.reason.focus();
                           return null;
                         }
                         return {reason};
                       }
                     }));
  }
  if (parts.has('receiver') && x.status === 'delivered') {
        actions.push(h('h3', {}, t('tr.receipt')), receiptForm(x, go));
  }
  const hasRefused = x.containers.some((c) => c.status === 'refused');
  if ((parts.has('carrier') || parts.has('receiver')) && hasRefused && (x.status === 'received' || x.status === 'refused')) {
        actions.push(actionForm({
          id: 'return',
          path: `/api/v1/transfers/${enc(x.id)}/return`,
          label: t('tr.return'),
          kind: '',
          go,
          trId: x.id,
          // Back to the sender, or on to another facility that takes it.
          children:
              [h('label', {class: 'field', dataset: {field: 'to'}}, t('tr.returnWhere'),
                 h('select', {name: 'to', id: 'return-to'},
                   h('option', {value: 'sender'}, t('tr.returnTo')),
                   [...names.facilities.values()]
                       .filter((f) => f.id !== x.receiver)
                       .map((f) => h('option', {value: f.id}, f.name))),
                 h('span', {class: 'field-error'}))],
          body: (form) => ({to: form.elements.to.value}),
          after: (res) => go(`#/transfer/${enc(res.data.id)}`)
        }));
  }
  if (parts.size && x.status !== 'draft' && x.status !== 'cancelled') {
        actions.push(h(
            'details', {class: 'propose'}, h('summary', {}, t('tr.propose')),
            h('p', {class: 'hint'}, t('tr.proposeHint')), actionForm({
              id: 'propose',
              path: `/api/v1/transfers/${enc(x.id)}/revisions`,
              label: t('tr.propose'),
              kind: '',
              done: 'proposed',
              go,
              trId: x.id,
              children: [
                input('propose', 'vehicle', t('tr.vehicle'), {maxlength: 64, autocomplete: 'off'}),
                input(
                    'propose', 'driver_name', t('tr.driverName'),
                    {maxlength: 100, autocomplete: 'off'}),
                input(
                    'propose', 'driver_licence', t('tr.driverLicence'),
                    {maxlength: 64, autocomplete: 'off'}),
                // The receiving facility changes only before delivery.
                x.delivered_at ? null :
                                 h('label', {class: 'field', dataset: {field: 'receiver'}},
                                   t('tr.receiver'),
                                   h('select', {name: 'receiver', id: 'propose-receiver'},
                                     h('option', {value: ''}, t('tr.noChange')),
                                     [...names.facilities.values()]
                                         .filter((f) => f.id !== x.receiver)
                                         .map((f) => h('option', {value: f.id}, f.name))),
                                   h('span', {class: 'field-error'})),
                // One container's declared mass, code or packaging.
                h('fieldset', {class: 'field', dataset: {field: 'containers'}},
                  h('legend', {}, t('tr.fixContainer')),
                  h('label', {for: 'propose-manifest'}, t('list.id'),
                    h('select', {name: 'manifest', id: 'propose-manifest'},
                      h('option', {value: ''}, t('tr.noChange')),
                      x.containers.filter((c) => c.status !== 'removed')
                          .map((c) => h('option', {value: c.manifest}, c.manifest)))),
                  input('propose', 'declared_kg', t('tr.declared'),
                        {type: 'number', min: '0.001', step: '0.001', inputmode: 'decimal'}),
                  input('propose', 'waste_code', t('list.code'), {maxlength: 16, autocomplete: 'off'}),
                  h('label', {for: 'propose-packaging'}, t('list.pkg'),
                    h('select', {name: 'packaging', id: 'propose-packaging'},
                      h('option', {value: ''}, t('tr.noChange')),
                      PACKAGING.map((p) => h('option', {value: p}, t(`pkg.${p}`))))),
                  h('span', {class: 'field-error'})),
                input('propose', 'reason', t('tr.reason'), {maxlength: 1000})
              ],
              body: (form) => {
                const v = (n) => form.elements[n].value.trim();
                const changes = {};
                if (v('vehicle')) changes.vehicle = v('vehicle');
                if (v('driver_name') || v('driver_licence')) {
                  changes.driver = {};
                  if (v('driver_name')) changes.driver.name = v('driver_name');
                  if (v('driver_licence')) changes.driver.licence = v('driver_licence');
                }
                if (form.elements.receiver && v('receiver')) changes.receiver = v('receiver');
                if (v('manifest')) {
                  const c = {manifest: v('manifest')};
                  if (v('declared_kg')) c.declared_g = Math.round(Number(v('declared_kg')) * 1000);
                  if (v('waste_code')) c.waste_code = v('waste_code');
                  if (v('packaging')) c.packaging = v('packaging');
                  if (Object.keys(c).length > 1) changes.containers = [c];
                }
                return {changes, reason: v('reason')};
              }
            })));
  }

  const containerRows = x.containers.filter((c) => c.status !== 'removed');
  clear(main,
    h('section', { class: 'card' },
      h('div', { class: 'row' }, h('h1', {}, t('tr.title'), ' ', tbadge(x.status), overdue ? [' ', overdueBadge()] : null),
        h('div', { class: 'row buttons' }, printLink(x.id))),
      h('p', { class: 'mono id', id: 'transfer-id' }, x.id),
      doneText ? notice('ok', doneText) : null,
      h('dl', { class: 'facts', id: 'transfer-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    parts.size || role === 'admin' ? h('section', { class: 'card', id: 'transfer-actions' }, h('h2', {}, t('tr.actions')),
      actions.length ? actions : h('p', { class: 'empty' }, t('tr.nothingToDo'))) : null,
    h('section', { class: 'card' }, h('h2', {}, t('tr.containers'), h('span', { class: 'count' }, ` ${containerRows.length}`)),
      table([
        { label: t('list.id'), cell: (c) => h('a', { class: 'mono', href: `#/manifest/${enc(c.manifest)}` }, c.manifest) },
        { label: t('list.code'), cell: (c) => h('span', { class: 'nowrap' }, c.waste_code) },
        { label: t('list.pkg'), cell: (c) => h('span', { class: 'nowrap' }, t(`pkg.${c.packaging}`)) },
        { label: t('tr.declared'), cell: (c) => kgNum(c.declared_g) },
        { label: t('tr.pickup'), cell: (c) => kgNum(c.pickup_g) },
        { label: t('tr.received'), cell: (c) => (c.apportioned ? `${kgNum(c.received_g)} ${t('tr.apportioned')}` : kgNum(c.received_g)) },
        { label: t('tr.status'), cell: (c) => h('span', { class: `badge cbadge-${c.status}` }, t(`cstatus.${c.status}`)) },
        { label: t('tr.refusal'), cell: (c) => (c.refusal ? `${c.refusal.reason || ''}${c.refusal.mass_g != null ? ` · ${kg(c.refusal.mass_g)}` : ''}` : '—') },
      ], containerRows, { className: 'transfer-containers' })),
    h('section', { class: 'card' }, h('h2', {}, t('tr.lines')),
      table([
        { label: t('list.code'), cell: (l) => h('span', { class: 'nowrap' }, l.waste_code) },
        { label: t('tr.count'), cell: (l) => String(l.count) },
        { label: t('tr.declared'), cell: (l) => kgNum(l.declared_g) },
        { label: t('tr.pickup'), cell: (l) => kgNum(l.pickup_g) },
        { label: t('tr.received'), cell: (l) => kgNum(l.received_g) },
        { label: t('tr.refused'), cell: (l) => kgNum(l.refused_g) },
      ], x.lines, { className: 'transfer-lines' })),
    x.discrepancies.length ? h('section', { class: 'card' }, h('h2', {}, t('tr.discrepancies')),
      table([
        { label: t('list.id'), cell: (d) => h('span', { class: 'mono' }, d.manifest) },
        { label: t('tr.discField'), cell: (d) => t(`dfield.${d.field}`) },
        { label: t('tr.discNote'), cell: (d) => d.note },
        { label: t('tr.at'), cell: (d) => when(d.at) },
      ], x.discrepancies, { className: 'transfer-discrepancies' })) : null,
    h('section', { class: 'card' }, h('h2', {}, t('tr.revisions')), revisionsBox(x, names, go)),
    h('section', { class: 'card' }, h('h2', {}, t('tr.history')),
      h('ol', { class: 'timeline', id: 'transfer-history' }, x.history.map((e) => historyItem(e, names)))));
    }
