// Offline label verification on the phone: the WM1 grammar (docs: shared/spec/label-token.md),
// base45 (RFC 9285) and Ed25519 through WebCrypto against the JWK Set the page cached from
// /.well-known/jwks.json, plus the cached revocation list. verdict() answers one of
//   {ok}, {forged}, {altered}, {voided}, {malformed}
// with the manifest id when the token parses. Nothing here touches the network.
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const JWKS_KEY = 'cradle.jwks';
const REVOKED_KEY = 'cradle.revoked';

export function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    const v = [...chunk].map((c) => B45.indexOf(c));
    if (v.some((x) => x < 0)) return null;
    if (chunk.length === 3) {
      const n = v[0] + v[1] * 45 + v[2] * 2025;
      if (n > 0xffff) return null;
      out.push(n >> 8, n & 0xff);
    } else if (chunk.length === 2) {
      const n = v[0] + v[1] * 45;
      if (n > 0xff) return null;
      out.push(n);
    } else {
      return null;
    }
  }
  return new Uint8Array(out);
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const PACKAGING = new Set(['DR', 'BG', 'TB', 'BX', 'IB', 'TK', 'BK', 'OT']);

function usccOk(u) {
  if (u.length !== 18 || ![...u].every((c) => USCC_ALPHABET.includes(c)) || !/^\d{6}$/.test(u.slice(2, 8))) return false;
  let sum = 0;
  for (let i = 0; i < 17; ++i) sum += USCC_ALPHABET.indexOf(u[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] === u[17];
}

// The field rules of label-token.md (a validly signed token can still break them).
function fieldsOk(id, mass, pack) {
  const uscc = id.slice(0, 18);
  const rest = id.slice(18);
  const m = rest.match(/^(\d{6}(\d{2})|\d{6}S\d{2})(\d{4})(\d{2})(\d{2})(\d{3})$/);
  if (!m || !usccOk(uscc)) return false;
  if (m[2] !== undefined) {
    const hw = Number(m[2]);
    if (hw < 1 || hw > 50 || (hw >= 41 && hw <= 44)) return false;
  }
  const [y, mo, d] = [Number(m[3]), Number(m[4]), Number(m[5])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return false;
  return m[6] !== '000' && mass <= 50000000 && PACKAGING.has(pack);
}

// The token's parts, or null when it does not follow the grammar and the field rules.
export function parse(token) {
  const t = token.replace(/[\r\n]+/g, '');
  if (!t.startsWith('WM1:') || t.length < 4 + 96 + 5) return null;
  const sig = t.slice(-96);
  const signed = t.slice(0, -96);
  const parts = signed.slice(4).split('/');
  if (parts.length !== 5 || parts[4] !== '') return null;
  const [kid, id, mass, pack] = parts;
  if (!/^[0-9A-Z]{1,8}$/.test(kid) || !/^[0-9A-Z]{37,38}$/.test(id) || !/^[1-9]\d{0,7}$/.test(mass) || !/^[A-Z]{2}$/.test(pack)) return null;
  if (!/^[0-9A-Z $%*+\-./:]+$/.test(t) || !fieldsOk(id, Number(mass), pack)) return null;
  return { kid, id, mass_g: Number(mass), packaging: pack, signed, sig };
}

export function cacheJwks(jwks) { localStorage.setItem(JWKS_KEY, JSON.stringify(jwks)); }
export function cachedJwks() { try { return JSON.parse(localStorage.getItem(JWKS_KEY)) || null; } catch { return null; } }
export function cacheRevoked(ids) { localStorage.setItem(REVOKED_KEY, JSON.stringify([...new Set(ids)])); }
export function cachedRevoked() { try { return new Set(JSON.parse(localStorage.getItem(REVOKED_KEY)) || []); } catch { return new Set(); } }

const keyCache = new Map();
async function publicKey(jwk) {
  if (!keyCache.has(jwk.x)) {
    keyCache.set(jwk.x, crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']));
  }
  return keyCache.get(jwk.x);
}

// forged: not a WM1 token we can trust (unknown key); altered: a known key's signature that no
// longer matches the text (a field was changed); voided: the producer voided the manifest.
export async function verdict(token, jwks = cachedJwks(), revoked = cachedRevoked()) {
  const p = parse(token);
  if (!p) return { verdict: 'malformed' };
  const sig = base45Decode(p.sig);
  if (!sig || sig.length !== 64) return { verdict: 'malformed' };
  const jwk = (jwks?.keys || []).find((k) => k.kid === p.kid && k.crv === 'Ed25519');
  if (!jwk) return { verdict: 'forged', id: p.id };
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, await publicKey(jwk), sig, new TextEncoder().encode(p.signed));
  if (!ok) return { verdict: 'altered', id: p.id };
  if (revoked.has(p.id)) return { verdict: 'voided', id: p.id };
  return { verdict: 'ok', id: p.id, mass_g: p.mass_g, packaging: p.packaging };
}
