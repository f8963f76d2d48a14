// End-to-end test of the web pages: the real cradle-server (fresh data dir, --demo) and
// Debian's chromium driven by playwright-core. Producer issues and prints, collector scans
// (keyboard wedge and a photo decoded by the served zxing-wasm), regulator reviews; every page
// is screenshotted into docs/screenshots. Stops by itself within 120 s; kills server and
// browser on every path. Prints "e2e: N passed, M failed" and exits non-zero on any failure.
//
// usage: node web/tests/e2e.mjs --server build/server/cradle-server [--screenshots DIR]
//        [--chromium /usr/bin/chromium]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = resolve(here, '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const serverBin = args.server;
const shots = resolve(args.screenshots || join(webRoot, '..', 'docs', 'screenshots'));
const chromiumPath = args.chromium || '/usr/bin/chromium';
const DEADLINE_MS = 140000;

let passed = 0;
let failed = 0;
const cleanups = [];

function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
  return ok;
}

async function cleanup() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch { /* keep cleaning */ }
  }
}

function finish(code) {
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(code);
}

const watchdog = setTimeout(async () => {
  check('finished within the deadline', false, `(${DEADLINE_MS} ms)`);
  await cleanup();
  finish(1);
}, DEADLINE_MS);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => { await cleanup(); finish(1); });
}

// ---- server ---------------------------------------------------------------------------------

function startServer(dataDir) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(serverBin, ['--data', dataDir, '--listen', '127.0.0.1:0', '--demo', '--web-root', webRoot],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => new Promise((done) => {
      if (child.exitCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(kill); done(); });
      child.kill('SIGTERM');
    }));
    let out = '';
    let log = '';
    child.stderr.on('data', (d) => { log += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/READY (https:\/\/\S+)/);
      if (m) resolveStart(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`cradle-server exited ${code}: ${log.slice(-2000)}`)));
    setTimeout(() => reject(new Error('no READY line within 30 s')), 30000);
  });
}

function apiCall(base, ca, method, path, token, body) {
  return new Promise((res, rej) => {
    const url = new URL(path, base);
    const req = https.request(url, { method, ca, headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json = null;
        try { json = JSON.parse(buf.toString()); } catch { /* not JSON */ }
        res({ status: r.statusCode, headers: r.headers, body: buf, json });
      });
    });
    req.on('error', rej);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

function demoTokens(dataDir) {
  const out = {};
  for (const line of readFileSync(join(dataDir, 'demo-tokens.txt'), 'utf8').split('\n')) {
    const [role, org, token] = line.split(/\s+/);
    if (!line.startsWith('#') && token && !out[role]) out[role] = { org, token };
  }
  return out;
}

// ---- browser steps ----------------------------------------------------------------------------

async function shot(page, name, { fullPage = true } = {}) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

// Sign-in asks only for the token; GET /api/v1/me says who it is.
async function signIn(page, base, who) {
  await page.goto(`${base}/web/#/signin`);
  await page.fill('#token', who.token);
  await page.click('#signin-submit');
  await page.waitForFunction(() => !location.hash.startsWith('#/signin'));
}

// axe-core (from node_modules, evaluated in the page; never served by cradle).
const axeSource = readFileSync(join(webRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
async function audit(page, name) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(`${axeSource}\n;true`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const v = result.violations.map((x) => `${x.id}(${x.nodes.length}): ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  check(`accessibility audit: ${name} has no violations`, v.length === 0, v.join(' | '));
}

async function fits(page, name) {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  check(`${name} fits ${w} px without sideways scrolling`, sw <= w + 1, `scrollWidth ${sw}`);
}

// Snake_case or UPPER_SNAKE codes, and on the Chinese page any English enum word.
const CODE = /\b[a-z]+_[a-z0-9_]+\b|\b[A-Z]+_[A-Z_]+\b/;
const ENUM_WORDS = /\b(issued|collected|received|disposed|voided|rejected|landfill|incinerator|utilisation|transfer_station|open|dispatched|responded|closed|DR|BG|TB|BX|IB|TK|BK|OT)\b/;
async function noCodes(page, name, zh) {
  const text = await page.evaluate(() => document.body.innerText);
  const m = text.match(CODE) || (zh ? text.match(ENUM_WORDS) : null);
  check(`${name} shows no enum code`, !m, m ? `found "${m[0]}" in …${text.slice(Math.max(0, m.index - 40), m.index + 40)}…` : '');
}

async function signOut(page) {
  await page.click('#signout');
  await page.waitForSelector('#token');
}

async function run() {
  if (!serverBin || !existsSync(serverBin)) throw new Error(`--server ${serverBin}: no such file`);
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cradle-e2e-'));
  const profile = mkdtempSync(join(tmpdir(), 'cradle-e2e-chromium-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => rmSync(profile, { recursive: true, force: true }));

  const base = await startServer(dataDir);
  const ca = readFileSync(join(dataDir, 'certs', 'ca.crt'));
  const tokens = demoTokens(dataDir);
  check('demo tokens for producer, collector and regulator',
    !!(tokens.producer && tokens.collector && tokens.regulator), JSON.stringify(Object.keys(tokens)));

  const root = await apiCall(base, ca, 'GET', '/');
  check('GET / redirects to /web/', root.status === 302 && root.headers.location === '/web/', `${root.status}`);
  for (const path of ['/web/package.json', '/web/tests/e2e.mjs', '/web/package-lock.json', '/web/node_modules/zxing-wasm/package.json']) {
    const r = await apiCall(base, ca, 'GET', path);
    check(`${path} is not served`, r.status === 404, `${r.status}`);
  }
  const echartsFile = await apiCall(base, ca, 'GET', '/web/vendor/echarts/echarts.esm.min.mjs');
  check('ECharts is served by cradle itself', echartsFile.status === 200 && echartsFile.body.length > 100000, `${echartsFile.status}`);
  const me = await apiCall(base, ca, 'GET', '/api/v1/me', tokens.producer.token);
  check('GET /api/v1/me names the token\'s organisation and role',
    me.status === 200 && me.json?.org === tokens.producer.org && me.json?.role === 'producer' && me.json?.name &&
    me.json?.may?.includes('issue_manifests'), JSON.stringify(me.json));
  const meBad = await apiCall(base, ca, 'GET', '/api/v1/me', 'nope');
  check('GET /api/v1/me refuses a bad token', meBad.status === 401, `${meBad.status}`);
  const wasm = await apiCall(base, ca, 'GET', '/web/vendor/zxing-wasm/reader/zxing_reader.wasm');
  check('the decoder wasm is served by cradle as application/wasm',
    wasm.status === 200 && wasm.headers['content-type'] === 'application/wasm', `${wasm.status} (npm ci --prefix web?)`);

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, ignoreHTTPSErrors: true, locale: 'zh-CN',
    viewport: { width: 1440, height: 900 }, timeout: 30000, acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--ignore-certificate-errors'],
  });
  cleanups.push(() => context.close());
  context.setDefaultTimeout(10000);
  const page = context.pages()[0] || await context.newPage();
  const foreign = [];
  const pageErrors = [];
  const origin = new URL(base).origin;
  context.on('request', (r) => { if (/^(https?|wss?):/.test(r.url()) && new URL(r.url()).origin !== origin) foreign.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // Console errors, except the network's own lines for answers the test provokes on purpose
  // (a bad token's 401, the not-yet-built transfers endpoint's 404, requests while offline).
  const consoleErrors = [];
  let offline = false;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url || '';
    if (/Failed to load resource/.test(m.text()) && (offline || /\/api\/v1\/(me|transfers)/.test(url) || /status of 4\d\d/.test(m.text()))) return;
    consoleErrors.push(`${m.text()} @ ${url}`);
  });

  // Sign-in page, in Chinese by default.
  await page.goto(`${base}/`);
  await page.waitForSelector('#token');
  check('sign-in page opens in Chinese', (await page.textContent('h1')) === '登录');
  check('sign-in asks only for the token', (await page.$$('#view input, #view select, #view textarea')).length === 1);
  await shot(page, 'signin');
  await audit(page, 'sign-in');
  const missing = await page.evaluate(() => import('/web/js/i18n.js').then((m) => m.missingKeys()));
  check('both dictionaries have every key', missing.length === 0, missing.join(','));

  // A bad token is refused.
  await page.fill('#token', 'not-a-token');
  await page.click('#signin-submit');
  await page.waitForSelector('.notice-error');
  check('a bad token is refused', (await page.textContent('.notice-error')).includes('令牌无效'));

  // Producer: issue with a bad waste code (field error), then 2 manifests, then print.
  await signIn(page, base, tokens.producer);
  await page.waitForSelector('#day-waiting');
  check('producer lands on its day', page.url().endsWith('#/day'));
  check('the top bar names the producer from /api/v1/me', (await page.textContent('.who .role')).includes(me.json?.name || '?'));
  await shot(page, 'producer-day');
  await audit(page, 'producer day');
  await page.click('#nav-issue');
  await page.waitForSelector('#issue-submit');
  await page.fill('#f-waste_code', '999-999-99');
  await page.fill('#f-mass_g', '25');
  await page.fill('#f-count', '2');
  await page.click('#issue-submit');
  await page.waitForSelector('.field.invalid');
  const invalidField = await page.getAttribute('.field.invalid', 'data-field');
  check('a 422 field error shows next to the waste code', invalidField === 'waste_code', invalidField);
  await shot(page, 'issue-invalid');
  await page.fill('#f-waste_code', '900-041-49');
  await page.click('#issue-submit');
  await page.waitForSelector('#issued-list li');
  const ids = await page.$$eval('#issued-list li a', (as) => as.map((a) => a.textContent));
  check('two manifests issued', ids.length === 2, JSON.stringify(ids));
  await shot(page, 'issue-done');
  // Pass the print request through, keeping a copy of the PDF the server answered.
  let pdf = null;
  await page.route('**/api/v1/labels', async (route) => {
    const response = await route.fetch();
    pdf = { status: response.status(), type: response.headers()['content-type'] || '', body: await response.body() };
    await route.fulfill({ response, body: pdf.body });
  });
  await page.click('#print-labels');
  await page.waitForSelector('#labels-pdf');
  await page.unroute('**/api/v1/labels');
  check('printing labels returns a PDF', pdf && pdf.status === 200 && pdf.type.startsWith('application/pdf') &&
    pdf.body.subarray(0, 5).toString('latin1') === '%PDF-' && pdf.body.length > 1000,
  pdf && `${pdf.status} ${pdf.type} ${pdf.body.length} bytes`);
  check('the page offers the PDF as a blob link', (await page.getAttribute('#labels-pdf', 'href')).startsWith('blob:'));
  for (const p of context.pages()) if (p !== page) await p.close();

  // Producer: list, detail with timeline and label, void the second manifest.
  await page.click('#nav-manifests');
  await page.waitForSelector('table.manifests tbody tr');
  check('the manifest list shows the new manifests',
    (await page.$$eval('table.manifests tbody tr', (rows) => rows.map((r) => r.textContent))).filter((t) => ids.some((id) => t.includes(id))).length === 2);
  await noCodes(page, 'the label list', true);
  await audit(page, 'label list');
  await shot(page, 'manifests');
  await page.goto(`${base}/web/#/manifest/${ids[1]}`);
  await page.waitForSelector('#timeline li');
  await page.waitForSelector('#label-img');
  await page.waitForFunction(() => document.querySelector('#label-img').naturalWidth > 0);
  check('the detail page shows the timeline and the label', (await page.$$('#timeline li')).length === 1);
  await shot(page, 'manifest-detail');
  await page.fill('#void-reason', '录入错误，重新签发');
  await page.click('#void-submit');
  await page.waitForSelector('.badge-voided');
  check('voiding shows the voided status', (await page.textContent('.badge-voided')) === '已作废');
  await signOut(page);

  // Collector: keyboard wedge (token line + mass line), then a photo of a label.
  const m0 = await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[0]}`, tokens.producer.token);
  const wm1 = m0.json?.token || '';
  check('the API gives the manifest token', wm1.startsWith('WM1:'), wm1.slice(0, 10));
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, base, tokens.collector);
  await page.waitForSelector('#wedge');
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('#trust-state')?.textContent || ''));
  check('the scan page cached the JWK Set for offline checks', await page.evaluate(() => !!JSON.parse(localStorage.getItem('cradle.jwks') || 'null')?.keys?.length));
  await page.selectOption('#scan-kind', 'pickup');
  await page.fill('#scan-vehicle', '浙J12345');
  await page.dispatchEvent('#scan-vehicle', 'change');
  await page.fill('#wedge', wm1);
  await page.press('#wedge', 'Enter');
  await page.waitForSelector('#pending .notice-warn');
  await page.fill('#wedge', '25.3');
  await page.press('#wedge', 'Enter');
  check('a genuine label is confirmed on the device', await page.isVisible('#scan-verdict.verdict-ok'));
  await page.waitForSelector('#outbox li.scan-accepted');
  check('a wedge scan is accepted by the server', (await page.$$('#outbox li.scan-accepted')).length === 1);
  const events = (await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[0]}`, tokens.producer.token)).json?.timeline || [];
  const pickup = events.find((e) => e.kind === 'pickup');
  check('the pickup carries the typed mass and vehicle', pickup?.mass_g === 25300 && pickup?.vehicle === '浙J12345',
    JSON.stringify(pickup));
  await shot(page, 'scan-mobile');

  const png = await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[0]}/label.png?size=100`, tokens.collector.token);
  check('the label PNG is served', png.status === 200 && png.headers['content-type'] === 'image/png', `${png.status}`);
  await page.setInputFiles('#photo', { name: 'label.png', mimeType: 'image/png', buffer: png.body });
  await page.waitForSelector('#scan-verdict.verdict-already', { timeout: 20000 });
  check('the served zxing-wasm decodes the label photo (the label just picked up: refused as already scanned)',
    (await page.textContent('#scan-verdict')).includes('已扫过'));
  check('a label already scanned is refused on the device', (await page.textContent('#scan-verdict')).includes('已扫过'),
    await page.textContent('#scan-verdict'));

  // Offline: a fresh label issued meanwhile, the voided one, a forged and an altered token.
  const fresh = await apiCall(base, ca, 'POST', '/api/v1/manifests', tokens.producer.token,
    { producer: tokens.producer.org, waste_code: '900-041-49', mass_g: 30000, packaging: 'DR', count: 1 });
  const freshId = fresh.json?.manifests?.[0]?.id;
  const freshToken = fresh.json?.manifests?.[0]?.token || '';
  check('a fresh label for the offline round', fresh.status === 201 && freshToken.startsWith('WM1:'), `${fresh.status}`);
  const voidedToken = (await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[1]}`, tokens.producer.token)).json?.token || '';
  const freshPng = await apiCall(base, ca, 'GET', `/api/v1/manifests/${freshId}/label.png?size=100`, tokens.producer.token);
  await page.reload();  // online once more so the page caches the revocation of ids[1]
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('#trust-state')?.textContent || ''));
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('cradle.revoked') || '[]').length > 0);
  await page.evaluate(() => navigator.serviceWorker.ready);
  offline = true;
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('#wedge');
  check('the scan page loads with no network (service worker)', (await page.textContent('#net-state')).includes('离线'),
    await page.textContent('#net-state'));
  await page.setInputFiles('#photo', { name: 'fresh.png', mimeType: 'image/png', buffer: freshPng.body });
  await page.waitForSelector('#pending .notice-warn code', { timeout: 20000 });
  check('offline, the cached decoder reads a label photo and the cached keys confirm it',
    freshToken.startsWith((await page.textContent('#pending code')).replace('…', '')) && await page.isVisible('#scan-verdict.verdict-ok'));
  await page.fill('#wedge', '30.2');
  await page.press('#wedge', 'Enter');
  await page.waitForSelector('#outbox li.scan-queued');
  check('offline, the scan waits in the outbox', (await page.$$('#outbox li.scan-queued')).length === 1);
  const tryToken = async (token) => {
    await page.fill('#wedge', token);
    await page.press('#wedge', 'Enter');
    await page.waitForSelector('#scan-verdict');
    return page.getAttribute('#scan-verdict', 'class');
  };
  const forged = freshToken.replace(/^WM1:[0-9A-Z]+\//, 'WM1:ZZ9/');
  check('offline, a forged label is refused', (await tryToken(forged)).includes('verdict-forged'));
  await shot(page, 'scan-offline-forged');
  const altered = freshToken.replace(/\/(\d+)\/DR\//, (m, g) => `/${Number(g) + 1000}/DR/`);
  check('offline, an altered label is refused', altered !== freshToken && (await tryToken(altered)).includes('verdict-altered'));
  check('offline, a voided label is refused (cached revocations)', (await tryToken(voidedToken)).includes('verdict-voided'));
  check('offline, refused labels are not queued', (await page.$$('#outbox li.scan-queued')).length === 1);
  await fits(page, 'the scan page at 390 px');
  await shot(page, 'scan-offline');
  await context.setOffline(false);
  offline = false;
  await page.waitForSelector('#outbox li.scan-accepted >> nth=1', { timeout: 15000 });
  check('online again, the queue drains', (await page.$$('#outbox li.scan-queued')).length === 0);
  const freshEvents = (await apiCall(base, ca, 'GET', `/api/v1/manifests/${freshId}`, tokens.producer.token)).json?.timeline || [];
  check('the offline scan reached the server with its mass', freshEvents.some((e) => e.kind === 'pickup' && e.mass_g === 30200),
    JSON.stringify(freshEvents));
  await shot(page, 'scan-mobile-results');
  await audit(page, 'scan page');
  await page.setViewportSize({ width: 360, height: 780 });
  await fits(page, 'the scan page at 360 px');
  await page.setViewportSize({ width: 1440, height: 900 });
  await signOut(page);

  // Facility (the landfill): its day, with what waits for its receipt.
  check('a demo token for the landfill', !!tokens.facility);
  await signIn(page, base, tokens.facility);
  await page.waitForSelector('#day-awaiting');
  check('the facility lands on its day', page.url().endsWith('#/day'));
  const awaitingApi = (await apiCall(base, ca, 'GET', '/api/v1/manifests?status=collected&limit=200', tokens.facility.token)).json?.items || [];
  const awaitingRows = (await page.$$('#day-awaiting tbody tr')).length;
  check('the facility\'s day lists what waits for its receipt, or says what to do',
    awaitingApi.length ? awaitingRows === awaitingApi.length : (await page.textContent('#day-awaiting')).includes('扫码'),
    `${awaitingRows} rows, ${awaitingApi.length} from the API: ${await page.textContent('#day-awaiting')}`);
  check('the facility\'s day says where the trips will show', (await page.textContent('#day-trips')).length > 10);
  await audit(page, 'facility day');
  await shot(page, 'facility-day');
  await signOut(page);

  // Regulator: dashboard (audit, facilities, reconciliation/cases or their notices), orgs,
  // drill-down to a producer's manifests, facilities; English and back.
  await signIn(page, base, tokens.regulator);
  await page.waitForSelector('#audit-status .notice');
  check('the audit chain verifies', (await page.$('#audit-status .notice-ok')) !== null,
    await page.textContent('#audit-status'));
  await page.waitForSelector('#tbl-producers tbody tr', { timeout: 20000 });
  await page.waitForSelector('#chart-tonnage canvas');
  const month = await page.inputValue('#month');
  const tableOf = (id) => page.$$eval(`#${id} tbody tr`, (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  const num = (text) => Number(String(text).replace(/,/g, ''));
  const t3 = (g) => Math.round(g / 1000) / 1000;
  // 12-month tonnage: each row is that month's reconciliation, in tonnes.
  const tonnage = await tableOf('chart-tonnage-table');
  let same = tonnage.length === 12;
  let months = 0;
  for (const row of tonnage) {
    const api = (await apiCall(base, ca, 'GET', `/api/v1/reconciliation/${row[0]}`, tokens.regulator.token)).json?.totals || {};
    if (api.issued_declared_g > 0) months++;
    same = same && num(row[1]) === t3(api.issued_declared_g) && num(row[2]) === t3(api.collected_measured_g) &&
      num(row[3]) === t3(api.received_measured_g) && num(row[4]) === api.disposed;
  }
  check('the 12-month tonnage table matches the reconciliation API', same, JSON.stringify(tonnage.slice(-2)));
  check('the 12-month tonnage chart has the demo district\'s months', months >= 6, `${months} months with data`);
  const facs = (await apiCall(base, ca, 'GET', '/api/v1/facilities?limit=1000', tokens.regulator.token)).json?.items || [];
  const lf = facs.find((f) => f.kind === 'landfill');
  const capacity = (await apiCall(base, ca, 'GET', `/api/v1/facilities/${lf.id}/capacity`, tokens.regulator.token)).json;
  const landfill = await tableOf('chart-landfill-table');
  const apiMonths = capacity.months.filter((m) => m.volume_m3 > 0 || m.cumulative_volume_m3 > 0);
  check('the landfill table matches the capacity API', landfill.length === apiMonths.length && landfill.length >= 6 &&
    landfill.every((row, i) => row[0] === apiMonths[i].month && num(row[1]) === apiMonths[i].cumulative_volume_m3),
  `${landfill.length} vs ${apiMonths.length}`);
  check('the landfill chart states the projected full date and its range',
    !!capacity.landfill?.projected_fill_date && (await page.textContent('#chart-landfill')).includes(capacity.landfill.projected_fill_date));
  const report = (await apiCall(base, ca, 'GET', `/api/v1/reconciliation/${month}`, tokens.regulator.token)).json;
  const prog = await tableOf('chart-programme-table');
  check('the programme table matches the reconciliation API', prog.length === report.programmes.length && prog.length >= 1 &&
    prog.every((row, i) => num(row[1]) === report.programmes[i].members && num(row[2]) === report.programmes[i].served_month &&
      num(row[4]) === t3(report.programmes[i].ytd_collected_g)), JSON.stringify(prog));
  // The Sankey's table: the month's received and disposed labels, by destination.
  const flowG = new Map();
  for (const status of ['received', 'disposed']) {
    let after = '';
    for (;;) {
      const page1 = (await apiCall(base, ca, 'GET', `/api/v1/manifests?month=${month}&status=${status}&limit=200${after ? `&after=${after}` : ''}`, tokens.regulator.token)).json;
      for (const m of page1.items) if (m.destination) flowG.set(m.destination, (flowG.get(m.destination) || 0) + m.mass_g);
      if (!page1.next) break;
      after = encodeURIComponent(page1.next);
    }
  }
  const flows = await tableOf('chart-flows-table');
  const flowT = flows.reduce((a, r) => a + num(r[2]), 0);
  const apiT = [...flowG.values()].reduce((a, g) => a + g, 0) / 1e6;
  check('the Sankey of the month\'s flows has the demo district\'s data and matches the manifests API',
    flows.length >= 2 && Math.abs(flowT - apiT) < 0.01 * flows.length, `${flowT} t vs ${apiT} t in ${flows.length} rows`);
  const allCases = (await apiCall(base, ca, 'GET', '/api/v1/cases?limit=200', tokens.regulator.token)).json?.items || [];
  const openCases = allCases.filter((c) => c.status !== 'closed').length;
  const casesTable = await tableOf('chart-cases-table');
  check('the open-cases table adds up to the cases API', openCases > 0 && casesTable.reduce((a, r) => a + num(r[4]), 0) === openCases,
    `${openCases} open`);
  const transfersRoute = (await apiCall(base, ca, 'GET', '/api/v1/transfers', tokens.regulator.token)).status;
  if (transfersRoute === 404) {
    check('without GET /api/v1/transfers the overdue chart says it is not there yet',
      (await page.textContent('#chart-transfers')).includes('尚未提供'));
  } else {
    check('the overdue transfers panel renders from GET /api/v1/transfers', (await page.$('#chart-transfers .chart, #chart-transfers .empty')) !== null);
  }
  const producersTable = await tableOf('tbl-producers');
  const p0 = report.producers[0];
  check('the producers table is in tonnes and matches the API',
    producersTable.some((r) => r[0] === p0.name && num(r[2]) === t3(p0.issued_declared_g)), JSON.stringify(producersTable[0]));
  check('the producers table has Chinese headers with the unit', (await page.textContent('#tbl-producers thead')).includes('申报（吨）'));
  await page.click('#tbl-producers thead th:nth-child(3) button');
  const sorted = (await tableOf('tbl-producers')).map((r) => num(r[2]));
  check('clicking a header sorts the table', sorted.every((v, i) => i === 0 || sorted[i - 1] <= v), JSON.stringify(sorted.slice(0, 5)));
  await page.click('#chart-tonnage button.toggle');
  check('a chart\'s numbers are a click away', await page.isVisible('#chart-tonnage-table'));
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#chart-tonnage button.csv')]);
  const csvText = readFileSync(await csvDownload.path(), 'utf8');
  check('a chart\'s CSV has its 12 months', csvText.trim().split(/\r\n/).length === 13, csvText.slice(0, 80));
  await page.click('#chart-tonnage button.toggle');
  await noCodes(page, 'the Chinese dashboard', true);
  await fits(page, 'the dashboard at 1440 px');
  await shot(page, 'dashboard');
  await audit(page, 'dashboard');
  await page.click('#nav-orgs');
  await page.waitForSelector('table.orgs tbody tr');
  await shot(page, 'orgs');
  await page.click(`a.drill[href*="${tokens.producer.org}"]`);
  await page.waitForSelector('table.manifests tbody tr');
  check('drill-down lists the producer\'s manifests',
    (await page.textContent('table.manifests')).includes(ids[0]));
  await page.click(`a[href="#/manifest/${ids[0]}"]`);
  await page.waitForSelector('#timeline li');
  check('the regulator sees the pickup in the timeline', (await page.$$('#timeline li')).length === 2);
  await shot(page, 'regulator-manifest');
  await page.click('#nav-facilities');
  await page.waitForSelector('table.facilities tbody tr');
  await shot(page, 'facilities');
  await page.click('#nav-cases');
  await page.waitForSelector('#cases-board .case-card');
  await noCodes(page, 'the cases board', true);
  await shot(page, 'cases');
  await page.click('#nav-dashboard');
  await page.click('#lang');
  await page.waitForSelector('text=Regulator dashboard');
  check('the English switch translates the page', (await page.textContent('#nav-dashboard')) === 'Dashboard');
  await page.waitForSelector('#audit-status .notice');
  await page.waitForSelector('#tbl-producers tbody tr', { timeout: 20000 });
  check('the English page has English headers with the unit', (await page.textContent('#tbl-producers thead')).includes('Declared (t)'));
  await noCodes(page, 'the English dashboard', false);
  await page.waitForSelector('#chart-tonnage canvas');
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(500);
  await fits(page, 'the dashboard at 360 px');
  await page.evaluate(() => document.querySelector('#chart-tonnage').scrollIntoView());
  await shot(page, 'dashboard-en-360', { fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'dashboard-en');
  await audit(page, 'English dashboard');
  await page.click('#lang');
  await page.waitForSelector('text=监管总览');
  check('switching back restores Chinese', (await page.textContent('#nav-dashboard')) === '监管总览');

  check('no request left cradle\'s origin (no CDN)', foreign.length === 0, foreign.join(' '));
  check('no uncaught page errors', pageErrors.length === 0, pageErrors.join(' | '));
  check('no console errors', consoleErrors.length === 0, consoleErrors.slice(0, 5).join(' | '));
}

try {
  await run();
} catch (e) {
  check('run without errors', false, String(e && e.stack || e));
}
clearTimeout(watchdog);
await cleanup();
finish(failed === 0 && passed > 0 ? 0 : 1);
