// The page shell: top bar with role-aware navigation, hash routing (#/view?query), language
// switch, and re-rendering of the current view when the language or the session changes.
import { t, setLang, getLang, onLangChange } from './i18n.js';
import { session } from './session.js';
import { h, clear } from './dom.js';
import { forgetParties } from './parties.js';
import { signinView } from './views/signin.js';
import { issueView } from './views/issue.js';
import { manifestsView } from './views/manifests.js';
import { detailView } from './views/detail.js';
import { scanView } from './views/scan.js';
import { dashboardView } from './views/dashboard.js';
import { facilitiesView } from './views/facilities.js';
import { orgsView } from './views/orgs.js';
import { casesView } from './views/cases.js';
import { dayView } from './views/day.js';
import { transfersView, transferNewView } from './views/transfers.js';
import { transferView } from './views/transfer.js';

const views = {
  signin: signinView, issue: issueView, manifests: manifestsView, manifest: detailView,
  scan: scanView, dashboard: dashboardView, facilities: facilitiesView, orgs: orgsView,
  cases: casesView, day: dayView, transfers: transfersView, 'transfer-new': transferNewView, transfer: transferView,
};

// Navigation entries per role: [view, label key].
const NAV = {
  producer: [['day', 'nav.day'], ['issue', 'nav.issue'], ['manifests', 'nav.manifests'], ['transfers', 'nav.transfers']],
  collector: [['scan', 'nav.scan'], ['transfers', 'nav.transfers'], ['manifests', 'nav.manifests']],
  facility: [['day', 'nav.day'], ['scan', 'nav.scan'], ['transfers', 'nav.transfers'], ['manifests', 'nav.manifests']],
  regulator: [['dashboard', 'nav.dashboard'], ['transfers', 'nav.transfers'], ['manifests', 'nav.manifests'], ['facilities', 'nav.facilities'],
    ['orgs', 'nav.orgs'], ['cases', 'nav.cases']],
  admin: [['dashboard', 'nav.dashboard'], ['transfers', 'nav.transfers'], ['manifests', 'nav.manifests'], ['facilities', 'nav.facilities'],
    ['orgs', 'nav.orgs'], ['cases', 'nav.cases']],
};

export function homeOf(role) { return (NAV[role] || [['signin']])[0][0]; }

// "#/manifests?producer=X" -> {name: 'manifests', arg: undefined, query: URLSearchParams}
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const [name, ...rest] = path.split('/');
  return { name: name || '', arg: rest.length ? decodeURIComponent(rest.join('/')) : undefined,
    query: new URLSearchParams(qs || '') };
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

let teardown = null;  // the current view's cleanup (camera, timers)

function topBar(current) {
  const s = session.current();
  const nav = s ? (NAV[s.role] || []) : [];
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: s ? `#/${homeOf(s.role)}` : '#/signin' }, t('app.brand')),
    h('nav', { class: 'nav' }, nav.map(([view, key]) =>
      h('a', { href: `#/${view}`, class: view === current ? 'active' : '', id: `nav-${view}` }, t(key)))),
    h('div', { class: 'who' },
      s ? h('span', { class: 'role', title: s.org || '' }, `${t(`role.${s.role}`)}${s.orgName ? ' · ' + s.orgName : ''}`) : null,
      h('button', { type: 'button', class: 'link', id: 'lang', lang: getLang() === 'zh' ? 'en' : 'zh-CN', onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh') }, t('lang.switch')),
      s ? h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => { session.signOut(); go('#/signin'); } },
        t('nav.signout')) : null));
}

async function render() {
  if (teardown) { try { teardown(); } catch { /* a view's cleanup must not block navigation */ } }
  teardown = null;
  document.title = t('app.title');
  const parsed = parseHash();
  const { arg, query } = parsed;
  let name = parsed.name;
  const s = session.current();
  if (!s) name = 'signin';
  else if (!views[name] || name === 'signin') name = homeOf(s.role);
  if (name !== parsed.name) history.replaceState(null, '', `#/${name}`);
  const main = h('main', { id: 'view', class: `view view-${name}` });
  clear(document.body, topBar(name), main);
  const cleanup = await views[name](main, { arg, query, go, homeOf });
  if (typeof cleanup === 'function') teardown = cleanup;
}

window.addEventListener('hashchange', render);
onLangChange(render);
session.onChange(() => { forgetParties(); if (!session.current() && parseHash().name !== 'signin') go('#/signin'); });
setLang(getLang());

// The service worker keeps the pages and the decoder on the device (offline scan page).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => { /* pages still work online */ });
}
