// Sign-in: paste a token (checked against the API), then choose role and organisation.
import { t } from '../i18n.js';
import { h, clear, notice } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';

const ROLES = ['producer', 'collector', 'facility', 'regulator', 'admin'];

export async function signinView(main, { go, homeOf }) {
  const msg = h('div', { class: 'msg' });
  const token = h('textarea', { id: 'token', name: 'token', rows: 3, autocomplete: 'off', spellcheck: false,
    placeholder: t('signin.token.hint'), required: true });
  const step2 = h('div', { class: 'step2', hidden: true });
  let orgs = [];

  async function checkToken(ev) {
    ev.preventDefault();
    const value = token.value.trim();
    if (!value) return;
    const r = await api.get('/api/v1/orgs', { query: { limit: 1000 }, headers: { Authorization: `Bearer ${value}` } });
    if (!r.ok) {
      clear(msg, notice('error', r.status === 401 ? t('signin.bad') : api.describe(r)));
      return;
    }
    orgs = r.data.items || [];
    clear(msg);
    showStep2(value);
  }

  function showStep2(value) {
    const role = h('select', { id: 'role', name: 'role' }, ROLES.map((x) => h('option', { value: x }, t(`role.${x}`))));
    const org = h('select', { id: 'org', name: 'org' });
    const fillOrgs = () => {
      const want = role.value === 'admin' ? [] : orgs.filter((o) => (o.roles || []).includes(role.value));
      clear(org, h('option', { value: '' }, t('signin.pickOrg')),
        want.map((o) => h('option', { value: o.uscc }, `${o.name} (${o.uscc})`)));
      if (want.length === 1) org.value = want[0].uscc;
      org.disabled = role.value === 'admin';
    };
    role.addEventListener('change', fillOrgs);
    fillOrgs();
    const submit = async (ev) => {
      ev.preventDefault();
      if (role.value !== 'admin' && !org.value) { org.focus(); return; }
      if (role.value === 'regulator' || role.value === 'admin') {
        const v = await api.get('/api/v1/audit/verify', { headers: { Authorization: `Bearer ${value}` } });
        if (v.status === 403) { clear(msg, notice('error', t('signin.notRegulator'))); return; }
      }
      const name = orgs.find((o) => o.uscc === org.value)?.name || '';
      session.signIn(value, role.value, org.value, name);
      go(`#/${homeOf(role.value)}`);
    };
    clear(step2, h('form', { onsubmit: submit },
      h('label', {}, t('signin.role'), role),
      h('label', {}, t('signin.org'), org),
      h('p', { class: 'hint' }, t('signin.note')),
      h('button', { type: 'submit', id: 'signin-submit', class: 'primary' }, t('signin.submit'))));
    step2.hidden = false;
  }

  clear(main, h('section', { class: 'card narrow' },
    h('h1', {}, t('signin.title')),
    h('form', { onsubmit: checkToken },
      h('label', {}, t('signin.token'), token),
      h('button', { type: 'submit', id: 'signin-next' }, t('signin.next'))),
    msg, step2));
  token.focus();
}
