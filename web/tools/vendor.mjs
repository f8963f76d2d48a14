// Copies the browser files the pages use from node_modules into vendor/ so cradle-server serves
// them itself (no CDN): the QR decoder (ES module, shared chunk, wasm binary) and Apache
// ECharts (one self-contained ES module). Run by
// `npm ci` (postinstall) and `npm run vendor`.
import { copyFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'node_modules', 'zxing-wasm', 'dist');
const out = join(web, 'vendor', 'zxing-wasm');
const files = [
  ['es/reader/index.js', 'reader/index.js'],
  ['es/share.js', 'share.js'],
  ['reader/zxing_reader.wasm', 'reader/zxing_reader.wasm'],
  ['../LICENSE', 'LICENSE'],
];
if (!existsSync(dist)) {
  console.error(`vendor: ${dist} is missing; run npm ci first`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
for (const [from, to] of files) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(dist, from), join(out, to));
}
console.log(`vendor: zxing-wasm copied to ${out}`);

const echartsDir = join(web, 'node_modules', 'echarts');
const echartsOut = join(web, 'vendor', 'echarts');
if (!existsSync(echartsDir)) {
  console.error(`vendor: ${echartsDir} is missing; run npm ci first`);
  process.exit(1);
}
rmSync(echartsOut, { recursive: true, force: true });
mkdirSync(echartsOut, { recursive: true });
for (const [from, to] of [['dist/echarts.esm.min.mjs', 'echarts.esm.min.mjs'], ['LICENSE', 'LICENSE'], ['NOTICE', 'NOTICE']]) {
  copyFileSync(join(echartsDir, from), join(echartsOut, to));
}
console.log(`vendor: echarts copied to ${echartsOut}`);
