// Transfer manifests (转移联单), GET /api/v1/transfers: every party sees its own trips (the
// server filters by the token's organisation), a regulator all of them. Filter by status; the
// manifests whose receipt is overdue (the server's ?overdue=true) come first, marked. A sender
// (producer or collector) starts a new one here: transferNewView is the form.
import * as api from '../api.js';
import {clear, h, notice, table, when} from '../dom.js';
import {codeText, t} from '../i18n.js';
import {parties} from '../parties.js';
import {session} from '../session.js';

export const TRANSFER_STATUSES =
    ['draft', 'submitted', 'in_transit', 'delivered', 'received', 'refused', 'cancelled'];
const SENDERS = new Set(['producer', 'collector']);
const PAGE = 50;

export function tbadge(status) {
  return h('span', {class: `badge tbadge-${status}`}, t(`tstatus.${status}`));
}

export function overdueBadge() {
  return h('span', {class: 'badge badge-overdue'}, t('tr.overdue'));
}

// The parts the signed-in organisation plays on a transfer, in words.
export function myParts(x, org = session.org()) {
  const out = [];
  if (x.sender === org) out.push('sender');
  if (x.carrier === org) out.push('carrier');
  if (x.receiver_org === org) out.push('receiver');
  return out;
}

export const transferLink = (x) =>
    h('a', {class: 'mono', href: `#/transfer/${encodeURIComponent(x.id)}`}, x.id);

// The columns every transfer table shares (list, day pages).
export function transferColumns(names, overdue = new Set()) {
  const role = session.role();
  const cols = [
    {label: t('tr.id'), cell: transferLink},
    {
      label: t('tr.status'),
      cell: (x) =>
          h('span', {}, tbadge(x.status), overdue.has(x.id) ? [' ', overdueBadge()] : null,
            // A door-to-door (ad hoc) trip waits for the sender's signature after the fact.
            x.ad_hoc && !x.sender_signed_at && x.status !== 'cancelled' ?
                [' ', h('span', {class: 'badge badge-unsigned'}, t('tr.needsSign'))] :
                null)
    },
    {label: t('tr.sender'), cell: (x) => names.orgName(x.sender)},
    {label: t('tr.carrier'), cell: (x) => names.orgName(x.carrier)},
    // A return to a sender without a facility names the organisation instead.
    {
      label: t('tr.receiver'),
      cell: (x) => (x.receiver ? names.facilityName(x.receiver) : names.orgName(x.receiver_org))
    },
    {label: t('tr.vehicle'), cell: (x) => h('span', {class: 'nowrap'}, x.vehicle || '—')},
    {label: t('tr.plannedOn'), cell: (x) => x.planned_on || when(x.created_at).slice(0, 10)},
    {label: t('tr.receiptDue'), cell: (x) => x.receipt_due || '—'},
  ];
  if (role !== 'regulator' && role !== 'admin') {
    cols.splice(2, 0, {
      label: t('tr.myPart'),
      cell: (x) => myParts(x).map((p) => t(`part.${p}`)).join('、') || '—'
    });
  }
  return cols;
}

export async function transfersView(main, {query, go}) {
  const status = query.get('status') || '';
  const month = query.get('month') || '';  // created in this month (YYYY-MM)
  const onlyOverdue = query.get('overdue') === 'true';
  const after = query.get('after') || '';
  const back = query.get('back') ? query.get('back').split(',') : [];
  const link = (changes) => {
    const q = new URLSearchParams({
      status,
      month,
      overdue: onlyOverdue ? 'true' : '',
      after,
      back: back.join(','),
      ...changes
    });
    for (const [k, v] of [...q])
      if (!v) q.delete(k);
    return `#/transfers?${q}`;
  };
  const statusSel =
      h('select', {
        id: 'transfer-status',
        onchange: (e) => go(link({status: e.target.value, after: '', back: ''}))
      },
        h('option', {value: ''}, t('common.all')),
        TRANSFER_STATUSES.map((s) => h('option', {value: s}, t(`tstatus.${s}`))));
  statusSel.value = status;
  const overdueBox = h('input', {
    type: 'checkbox',
    id: 'transfer-overdue',
    checked: onlyOverdue,
    onchange: (e) => go(link({overdue: e.target.checked ? 'true' : '', after: '', back: ''}))
  });
  const monthBox = h('input', {
    type: 'month',
    id: 'transfer-month',
    value: month,
    onchange: (e) => go(link({month: e.target.value, after: '', back: ''}))
  });
  const body = h('div', {}, h('p', {class: 'loading'}, t('common.loading')));
  const sender = SENDERS.has(session.role());
  clear(
      main,
      h('section', {class: 'card'},
        h('div', {class: 'row'}, h('h1', {}, t('tr.list')),
          sender ? h('a', {class: 'button primary big', id: 'transfer-new', href: '#/transfer-new'},
                     t('tr.new')) :
                   null),
        h('div', {class: 'row filters'}, h('label', {class: 'inline'}, t('tr.status'), statusSel),
          h('label', {class: 'inline'}, t('dash.month'), monthBox),
          h('label', {class: 'inline check'}, overdueBox, t('tr.onlyOverdue'))),
        h('p', {class: 'hint'}, t('tr.overdueFirst')), body));

  // The overdue ones (first page of them is plenty: they are few, or a regulator acts at once).
  const firstPage = !after;
  const [over, page, names] = await Promise.all([
    api.get('/api/v1/transfers', {query: {overdue: 'true', month, limit: 200}}),
    onlyOverdue ? Promise.resolve(null) :
                  api.get('/api/v1/transfers', {query: {status, month, after, limit: PAGE}}),
    parties()
  ]);
  const bad = [over, page].find((r) => r && !r.ok);
  if (bad) {
    clear(body, problemNotice(bad));
    return;
  }
  const overdueItems = (over.data.items || []).filter((x) => !status || x.status === status);
  const overdueIds = new Set((over.data.items || []).map((x) => x.id));
  let rows;
  if (onlyOverdue)
    rows = overdueItems;
  else
    rows = [
      ...(firstPage ? overdueItems : []),
      ...(page.data.items || []).filter((x) => !overdueIds.has(x.id))
    ];
  if (!rows.length) {
    clear(
        body,
        h('div', {class: 'empty-state'},
          h('p', {}, sender ? t('tr.emptySender') : t('tr.emptyOther'))));
    return;
  }
  const next = page?.data.next;
  clear(
      body, table(transferColumns(names, overdueIds), rows, {className: 'transfers'}),
      onlyOverdue ? null :
                    h('div', {class: 'pager'},
                      back.length ? h('a', {
                        class: 'button',
                        id: 'transfers-prev',
                        href: link({
                          after: back[back.length - 1].replace(/^-$/, ''),
                          back: back.slice(0, -1).join(',')
                        })
                      },
                                      t('common.prev')) :
                                    null,
                      next ? h('a', {
                        class: 'button',
                        id: 'transfers-next',
                        href: link({after: next, back: [...back, after || '-'].join(',')})
                      },
                               t('common.next')) :
                             null));
  for (const tr of body.querySelectorAll('tbody tr')) {
    const id = tr.querySelector('a')?.textContent;
    if (overdueIds.has(id)) tr.classList.add('overdue');
  }
}

function field(name, label, input, hint) {
  input.name = name;
  input.id = `t-${name}`;
  return h(
      'label', {class: 'field', dataset: {field: name}}, label, input,
      hint ? h('span', {class: 'hint'}, hint) : null, h('span', {class: 'field-error'}));
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${
      String(d.getDate()).padStart(2, '0')}`;
}

// The sender's issued containers in storage, as checkboxes (newest first).
export async function issuedPicker(exclude = new Set()) {
  const r = await api.get(
      '/api/v1/manifests',
      {query: {producer: session.org(), status: 'issued', limit: 500, order: 'newest'}});
  if (!r.ok) return {el: problemNotice(r), chosen: () => []};
  const items = (r.data.items || []).filter((m) => !exclude.has(m.id));
  if (!items.length)
    return {el: h('p', {class: 'empty', id: 'pick-empty'}, t('tr.pickEmpty')), chosen: () => []};
  const boxes =
      items.map((m) => ({m, box: h('input', {type: 'checkbox', value: m.id, id: `pick-${m.id}`})}));
  const el = h('ul', { class: 'pick', id: 'pick' }, boxes.map(({ m, box }) => h('li', {},
    h('label', { class: 'check', for: box.id }, box,
      h('span', { class: 'mono' }, m.id),
      h('span', {}, `${m.waste_code} · ${t(`pkg.${m.packaging}`)} · ${(m.mass_g / 1000).toLocaleString()} kg`)))));
    return {el, chosen: () => boxes.filter((b) => b.box.checked).map((b) => b.m.id)};
}

// A refused call in words: the code's phrase (the code and the server's detail stay in the
// notice's title and data-code, for support), never the raw code on the page.
export function problemNotice(r) {
    const code = r.problem?.code || '';
    const text = r.offline ? t('common.offline') :
        code               ? codeText(code) :
                             t('common.error', {msg: `HTTP ${r.status}`});
    const n = notice('error', text);
    n.title = api.describe(r);
    n.dataset.code = code;
    return n;
}

// A field error in words when the page knows its code, else the server's detail.
function fieldText(e) {
    const w = e.code ? codeText(e.code) : '';
    return w && w !== t('code.other') ? w : e.detail || w;
}

// Shows a 422's field errors next to the fields of `form`; the rest in `msg`.
export function showProblem(form, msg, r) {
    for (const e of form.querySelectorAll('.field')) {
      e.classList.remove('invalid');
      e.querySelector('.field-error').textContent = '';
    }
    let shown = false;
    for (const e of r.problem?.errors || []) {
      const top = String(e.field || '').split(/[.[]/)[0];
      const el = form.querySelector(
          `.field[data-field="${CSS.escape(e.field)}"], .field[data-field="${CSS.escape(top)}"]`);
      if (el) {
        el.classList.add('invalid');
        el.querySelector('.field-error').textContent = fieldText(e);
        shown = true;
      }
    }
    clear(msg, shown ? notice('error', t('issue.invalid')) : problemNotice(r));
}

export async function transferNewView(main, { go }) {
    const msg = h('div', {class: 'msg', id: 'transfer-msg'});
    const carrier = h('select', {required: true}, h('option', {value: ''}, t('tr.chooseCarrier')));
    const receiver =
        h('select', {required: true}, h('option', {value: ''}, t('tr.chooseReceiver')));
    const purpose =
        h('select', {},
          ['disposal', 'utilisation'].map((p) => h('option', {value: p}, t(`purpose.${p}`))));
    const pickBox =
        h('div', {class: 'pick-box', id: 'pick-box'},
          h('p', {class: 'loading'}, t('common.loading')));
    let picker = {chosen: () => []};
    const form = h(
        'form', {class: 'grid-form', novalidate: true}, field('carrier', t('tr.carrier'), carrier),
        field('receiver', t('tr.receiver'), receiver),
        field(
            'vehicle', t('tr.vehicle'),
            h('input',
              {autocomplete: 'off', placeholder: '浙J12345', required: true, maxlength: 64})),
        field('driver_name', t('tr.driverName'), h('input', {autocomplete: 'off', maxlength: 100})),
        field(
            'driver_licence', t('tr.driverLicence'),
            h('input', {autocomplete: 'off', maxlength: 64})),
        field('purpose', t('tr.purpose'), purpose),
        field('planned_on', t('tr.plannedOn'), h('input', {type: 'date', value: today()})),
        h('fieldset', {class: 'field wide', dataset: {field: 'containers'}},
          h('legend', {}, t('tr.pick')), pickBox, h('span', {class: 'field-error'})),
        h('div', {class: 'actions'},
          h('button', {type: 'submit', class: 'primary big', id: 'transfer-create'},
            t('tr.create'))));
    let idempotencyKey = crypto.randomUUID();
    form.addEventListener('input', () => {
      idempotencyKey = crypto.randomUUID();
    });
    // A field the user changes is no longer marked wrong.
    const unmark = (ev) => {
      const f = ev.target.closest('.field');
      if (f) {
        f.classList.remove('invalid');
        f.querySelector('.field-error').textContent = '';
      }
      if (!form.querySelector('.field.invalid')) clear(msg);
    };
    form.addEventListener('input', unmark);
    form.addEventListener('change', unmark);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const v = (n) => form.elements[n].value.trim();
      const containers = picker.chosen();
      const body = {
        sender: session.org(),
        carrier: v('carrier'),
        receiver: v('receiver'),
        vehicle: v('vehicle'),
        purpose: v('purpose'),
        containers
      };
      if (v('planned_on')) body.planned_on = v('planned_on');
      if (v('driver_name') || v('driver_licence')) {
        body.driver = {};
        if (v('driver_name')) body.driver.name = v('driver_name');
        if (v('driver_licence')) body.driver.licence = v('driver_licence');
      }
      // What the page can say before asking the server: a choice left empty.
      const local = [];
      if (!body.carrier) local.push({field: 'carrier', detail: t('tr.chooseCarrier')});
      if (!body.receiver) local.push({field: 'receiver', detail: t('tr.chooseReceiver')});
      if (!body.vehicle) local.push({field: 'vehicle', detail: t('tr.needVehicle')});
      if (!containers.length) local.push({field: 'containers', detail: t('tr.pickNone')});
      if (local.length) {
        showProblem(form, msg, {problem: {errors: local}});
        return;
      }
      const button = form.querySelector('#transfer-create');
      button.disabled = true;
      const r =
          await api.post('/api/v1/transfers', body, {headers: {'Idempotency-Key': idempotencyKey}});
      button.disabled = false;
      if (!r.ok) {
        showProblem(form, msg, r);
        return;
      }
      go(`#/transfer/${encodeURIComponent(r.data.id)}?created=1`);
    });
    clear(
        main,
        h('section', {class: 'card'}, h('h1', {}, t('tr.new')),
          h('p', {class: 'hint'},
            t('tr.senderIs', {name: session.current()?.orgName || session.org()})),
          msg, form));
    const [names, pick] = await Promise.all([parties(), issuedPicker()]);
    picker = pick;
    clear(pickBox, pick.el);
    for (const o of [...names.orgs.values()].filter((x) => (x.roles || []).includes('collector'))) {
      carrier.append(h('option', {value: o.uscc}, o.name));
    }
    for (const f of names.facilities.values())
      receiver.append(h('option', {value: f.id}, `${f.name} · ${t(`fkind.${f.kind}`)}`));
    if (carrier.options.length === 2) carrier.selectedIndex = 1;
}
