// QR decoding with zxing-wasm, served by cradle itself from vendor/ (copied from node_modules
// by `npm ci`); the wasm binary is loaded from our own origin, never from a CDN.
let ready = null;

export function loadDecoder() {
  if (!ready) {
    ready = (async () => {
      const mod = await import('../vendor/zxing-wasm/reader/index.js');
      const wasmUrl = new URL('../vendor/zxing-wasm/reader/zxing_reader.wasm', import.meta.url).href;
      mod.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
      });
      return mod;
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}

// Decodes QR codes in an image Blob or ImageData; resolves to the texts found.
export async function decodeQr(input) {
  const mod = await loadDecoder();
  const results = await mod.readBarcodes(input, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid && r.text).map((r) => r.text);
}
