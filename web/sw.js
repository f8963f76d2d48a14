// cradle's service worker: keeps the pages, their modules and the QR decoder on the device so
// the scan page loads with no network. Pages are fetched network-first (a deploy shows on the
// next online reload) and fall back to the cache; vendor/ files never change under one name
// and are served cache-first. API calls are not cached here: the scan page keeps the JWK Set
// and revocations itself and queues scans in IndexedDB.
const CACHE = 'cradle-web-v2';
const FILES = [
  './', 'index.html', 'app.css', 'favicon.svg', 'manifest.webmanifest', 'icons/icon-192.png', 'icons/icon-512.png',
  'js/app.js', 'js/api.js', 'js/charts.js', 'js/decoder.js', 'js/dom.js', 'js/i18n.js', 'js/labels.js',
  'js/outbox.js', 'js/parties.js', 'js/session.js', 'js/verify.js',
  'js/views/cases.js', 'js/views/dashboard.js', 'js/views/day.js', 'js/views/detail.js', 'js/views/facilities.js',
  'js/views/issue.js', 'js/views/manifests.js', 'js/views/orgs.js', 'js/views/scan.js', 'js/views/signin.js',
  'js/views/transfer.js', 'js/views/transfers.js',
  'vendor/zxing-wasm/reader/index.js', 'vendor/zxing-wasm/share.js', 'vendor/zxing-wasm/reader/zxing_reader.wasm',
  'vendor/echarts/echarts.esm.min.mjs',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith('/web/')) return;
  if (url.pathname.startsWith('/web/vendor/')) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  event.respondWith(fetch(event.request).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(event.request, copy)); }
    return res;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })));
});
