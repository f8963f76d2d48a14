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

// The token's parts, or null when it does not follow the grammar.
export function parse(token) {
  const t = token.replace(/[\r\n]+/g, '');
  if (!t.startsWith('WM1:') || t.length < 4 + 96 + 5) return null;
  const sig = t.slice(-96);
  const signed = t.slice(0, -96);
  const parts = signed.slice(4).split('/');
  if (parts.length !== 5 || parts[4] !== '') return null;
  const [kid, id, mass, pack] = parts;
  if (!/^[0-9A-Z]{1,8}$/.test(kid) || !/^[0-9A-Z]{37,38}$/.test(id) || !/^[1-9]\d{0,7}$/.test(mass) || !/^[A-Z]{2}$/.test(pack)) return null;
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
  const jwk = (jwks?.keys || []).find((k) => k.kid === p.kid && k.crv === 'Ed25519');
  if (!jwk) return { verdict: 'forged', id: p.id };
  const sig = base45Decode(p.sig);
  if (!sig || sig.length !== 64) return { verdict: 'forged', id: p.id };
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, await publicKey(jwk), sig, new TextEncoder().encode(p.signed));
  if (!ok) return { verdict: 'altered', id: p.id };
  if (revoked.has(p.id)) return { verdict: 'voided', id: p.id };
  return { verdict: 'ok', id: p.id, mass_g: p.mass_g, packaging: p.packaging };
}
