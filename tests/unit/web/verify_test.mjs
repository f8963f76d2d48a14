// The phone's offline verifier (web/js/verify.js) against the WM1 test vectors
// (shared/spec/vectors/wm1.json): every valid token is genuine; a changed field is "altered",
// an unknown key "forged", a broken grammar or field "malformed"; a revoked id is "voided".
// Runs in Node (WebCrypto Ed25519, as in Chromium). usage: node verify_test.mjs VECTORS.json
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const { verdict, base45Decode, parse } = await import(resolve(here, '../../../web/js/verify.js'));
const vectors = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const jwks = { keys: vectors.keys.map((k) => k.jwk) };
let passed = 0, failed = 0;
const check = (name, ok, detail = '') => { if (ok) passed++; else { failed++; console.log(`FAIL ${name} ${detail}`); } };

for (const b of vectors.base45) {
  const got = base45Decode(b.text);
  check(`base45 ${b.text}`, got && Buffer.from(got).toString('hex') === b.bytes_hex, got && Buffer.from(got).toString('hex'));
}
for (const v of vectors.valid) {
  const r = await verdict(v.token, jwks, new Set());
  check(`valid: ${v.note}`, r.verdict === 'ok' && r.id === v.digital_id && r.mass_g === v.mass_g, JSON.stringify(r));
  const voided = await verdict(v.token, jwks, new Set([v.digital_id]));
  check(`voided: ${v.note}`, voided.verdict === 'voided', JSON.stringify(voided));
}
const expect = { BAD_SIGNATURE: 'altered', UNKNOWN_KEY: 'forged', MALFORMED: 'malformed', INVALID_FIELD: 'malformed' };
for (const v of vectors.invalid) {
  const r = await verdict(v.token, jwks, new Set());
  check(`invalid (${v.error}): ${v.note}`, r.verdict === expect[v.error], JSON.stringify(r));
}
check('no keys cached: nothing is genuine', (await verdict(vectors.valid[0].token, { keys: [] }, new Set())).verdict === 'forged');
check('CR/LF from a wedge are stripped', parse(`${vectors.valid[0].token}\r\n`) !== null);
console.log(`verify_test: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 20 ? 0 : 1);
