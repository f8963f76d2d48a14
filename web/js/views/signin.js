// Sign-in: the token is all a person gives. GET /api/v1/me says whose it is (organisation,
// name, role); the page takes the rest from there.
import { t } from '../i18n.js';
import { h, clear, notice } from '../dom.js';
import { session } from '../session.js';
import * as api from '../api.js';

export async function signinView(main, { go, homeOf }) {
  const msg = h('div', { class: 'msg' });
  const token = h('textarea', { id: 'token', name: 'token', rows: 3, autocomplete: 'off', spellcheck: false,
    placeholder: t('signin.token.hint'), required: true });

  async function signIn(ev) {
    ev.preventDefault();
    const value = token.value.trim();
    if (!value) { token.focus(); return; }
    const r = await api.get('/api/v1/me', { headers: { Authorization: `Bearer ${value}` } });
    if (!r.ok) {
      clear(msg, notice('error', r.status === 401 ? t('signin.bad') : api.describe(r)));
      return;
    }
    const me = r.data;
    session.signIn(value, me.role, me.org, me.name, me.may || []);
    go(`#/${homeOf(me.role)}`);
  }

  clear(main, h('section', { class: 'card narrow' },
    h('h1', {}, t('signin.title')),
    h('form', { onsubmit: signIn },
      h('label', { for: 'token' }, t('signin.token')), token,
      h('button', { type: 'submit', id: 'signin-submit', class: 'primary big' }, t('signin.submit'))),
    msg));
  token.focus();
}
