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
const DEADLINE_MS = 115000;

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

async function shot(page, name) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function signIn(page, base, who, role) {
  await page.goto(`${base}/web/#/signin`);
  await page.fill('#token', who.token);
  await page.click('#signin-next');
  await page.selectOption('#role', role);
  await page.selectOption('#org', who.org);
  await page.click('#signin-submit');
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
  const wasm = await apiCall(base, ca, 'GET', '/web/vendor/zxing-wasm/reader/zxing_reader.wasm');
  check('the decoder wasm is served by cradle as application/wasm',
    wasm.status === 200 && wasm.headers['content-type'] === 'application/wasm', `${wasm.status} (npm ci --prefix web?)`);

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, ignoreHTTPSErrors: true, locale: 'zh-CN',
    viewport: { width: 1200, height: 820 }, timeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  cleanups.push(() => context.close());
  context.setDefaultTimeout(10000);
  const page = context.pages()[0] || await context.newPage();
  const foreign = [];
  const pageErrors = [];
  const origin = new URL(base).origin;
  context.on('request', (r) => { if (/^(https?|wss?):/.test(r.url()) && new URL(r.url()).origin !== origin) foreign.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  // Sign-in page, in Chinese by default.
  await page.goto(`${base}/`);
  await page.waitForSelector('#token');
  check('sign-in page opens in Chinese', (await page.textContent('h1')) === '登录');
  await shot(page, 'signin');
  const missing = await page.evaluate(() => import('/web/js/i18n.js').then((m) => m.missingKeys()));
  check('both dictionaries have every key', missing.length === 0, missing.join(','));

  // A bad token is refused.
  await page.fill('#token', 'not-a-token');
  await page.click('#signin-next');
  await page.waitForSelector('.notice-error');
  check('a bad token is refused', (await page.textContent('.notice-error')).includes('令牌无效'));

  // Producer: issue with a bad waste code (field error), then 2 manifests, then print.
  await signIn(page, base, tokens.producer, 'producer');
  await page.waitForSelector('#issue-submit');
  check('producer lands on the issue page', page.url().endsWith('#/issue'));
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
  await signIn(page, base, tokens.collector, 'collector');
  await page.waitForSelector('#wedge');
  await page.selectOption('#scan-kind', 'pickup');
  await page.fill('#scan-vehicle', '浙J12345');
  await page.dispatchEvent('#scan-vehicle', 'change');
  await page.fill('#wedge', wm1);
  await page.press('#wedge', 'Enter');
  await page.waitForSelector('#pending .notice-warn');
  await page.fill('#wedge', '25.3');
  await page.press('#wedge', 'Enter');
  const scansExist = (await apiCall(base, ca, 'POST', '/api/v1/scans', tokens.collector.token, { scans: [] })).status !== 404;
  if (scansExist) {
    await page.waitForSelector('#outbox li.scan-accepted');
    check('a wedge scan is accepted by the server', true);
    const events = (await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[0]}`, tokens.producer.token)).json?.timeline || [];
    const pickup = events.find((e) => e.kind === 'pickup');
    check('the pickup carries the typed mass and vehicle', pickup?.mass_g === 25300 && pickup?.vehicle === '浙J12345',
      JSON.stringify(pickup));
  } else {
    await page.waitForSelector('#outbox li.scan-queued');
    check('without POST /api/v1/scans the scan stays queued', true);
  }
  await shot(page, 'scan-mobile');

  const png = await apiCall(base, ca, 'GET', `/api/v1/manifests/${ids[0]}/label.png?size=100`, tokens.collector.token);
  check('the label PNG is served', png.status === 200 && png.headers['content-type'] === 'image/png', `${png.status}`);
  await page.setInputFiles('#photo', { name: 'label.png', mimeType: 'image/png', buffer: png.body });
  await page.waitForSelector('#pending .notice-warn code', { timeout: 20000 });
  const pendingText = await page.textContent('#pending code');
  check('the served zxing-wasm decodes the label photo', wm1.startsWith(pendingText.replace('…', '')), pendingText);
  await page.fill('#wedge', '25');
  await page.press('#wedge', 'Enter');
  if (scansExist) {
    await page.waitForSelector('#outbox li.scan-rejected');
    const code = await page.textContent('#outbox li.scan-rejected .scan-code');
    check('a second pickup of the same label is rejected with its code', /^[A-Z_]+$/.test(code), code);
  }
  await shot(page, 'scan-mobile-results');
  await page.setViewportSize({ width: 1200, height: 820 });
  await signOut(page);

  // Regulator: dashboard (audit, facilities, reconciliation/cases or their notices), orgs,
  // drill-down to a producer's manifests, facilities; English and back.
  await signIn(page, base, tokens.regulator, 'regulator');
  await page.waitForSelector('#audit-status .notice');
  check('the audit chain verifies', (await page.$('#audit-status .notice-ok')) !== null,
    await page.textContent('#audit-status'));
  await page.waitForSelector('#dash-facilities table tbody tr');
  check('the dashboard lists facilities with capacity', (await page.$$('#dash-facilities tbody tr')).length >= 1);
  await page.waitForSelector('#recon > *:not(.loading)');
  const recon = await page.textContent('#recon');
  check('reconciliation shows data or a clear not-available state', recon.length > 0 && !recon.includes('加载中'), recon.slice(0, 80));
  await shot(page, 'dashboard');
  await page.click('#nav-orgs');
  await page.waitForSelector('table.orgs tbody tr');
  await shot(page, 'orgs');
  await page.click(`a.drill[href*="${tokens.producer.org}"]`);
  await page.waitForSelector('table.manifests tbody tr');
  check('drill-down lists the producer\'s manifests',
    (await page.textContent('table.manifests')).includes(ids[0]));
  await page.click(`a[href="#/manifest/${ids[0]}"]`);
  await page.waitForSelector('#timeline li');
  if (scansExist) check('the regulator sees the pickup in the timeline', (await page.$$('#timeline li')).length === 2);
  await shot(page, 'regulator-manifest');
  await page.click('#nav-facilities');
  await page.waitForSelector('table.facilities tbody tr');
  await shot(page, 'facilities');
  await page.click('#nav-cases');
  await page.waitForSelector('.view-cases .notice, #cases-board');
  await shot(page, 'cases');
  await page.click('#nav-dashboard');
  await page.click('#lang');
  await page.waitForSelector('text=Regulator dashboard');
  check('the English switch translates the page', (await page.textContent('#nav-dashboard')) === 'Dashboard');
  await page.waitForSelector('#audit-status .notice');
  await shot(page, 'dashboard-en');
  await page.click('#lang');
  await page.waitForSelector('text=监管总览');
  check('switching back restores Chinese', (await page.textContent('#nav-dashboard')) === '监管总览');

  check('no request left cradle\'s origin (no CDN)', foreign.length === 0, foreign.join(' '));
  check('no uncaught page errors', pageErrors.length === 0, pageErrors.join(' | '));
}

try {
  await run();
} catch (e) {
  check('run without errors', false, String(e && e.stack || e));
}
clearTimeout(watchdog);
await cleanup();
finish(failed === 0 && passed > 0 ? 0 : 1);
