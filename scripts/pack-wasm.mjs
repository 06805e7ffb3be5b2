// Trunk post-build hook (release builds): ships the wasm module xz-compressed.
//
// gzip, which static hosts apply, leaves the module at ~490 kB; xz (LZMA2) at ~370 kB. The
// page fetches `<module>_bg.wasm.xz`, unpacks it as it downloads with xz-decompress (the
// xz-embedded decoder built to wasm, ~9 kB gzip; npm, installed by scripts/tools.sh) and
// hands wasm-bindgen a streaming `application/wasm` response, so the module compiles as it
// unpacks. If the decoder or the packed file cannot be had, the loader falls back to the
// plain module, which stays next to it (bench.html loads that one).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('pack-wasm.mjs: TRUNK_STAGING_DIR is not set (run it as a Trunk hook)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const fail = (why) => {
  console.error(`pack-wasm.mjs: ${why}`);
  process.exit(1);
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const decoder = join(root, '.tools/node_modules/xz-decompress/dist/package/xz-decompress.min.js');
if (!existsSync(decoder)) fail(`${decoder} is missing (scripts/tools.sh installs it)`);

const modules = readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'));
if (modules.length !== 1) fail(`expected one *_bg.wasm in ${dir}, found ${modules.length}`);
const wasm = modules[0];

// Custom sections the browser never reads (build metadata: `producers`,
// `target_features`, Leptos's `__wasm_split_unstable`) are dropped from the module, plain
// and packed alike.
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, at];
  }
}
function withoutCustomSections(bytes) {
  const kept = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at];
    const [size, body] = readLeb(bytes, at + 1);
    at = body + size;
    if (at > bytes.length) fail('the wasm module is cut short');
    if (id !== 0) kept.push(bytes.subarray(start, at));
  }
  return Buffer.concat(kept);
}
const original = readFileSync(join(dir, wasm));
const stripped = withoutCustomSections(original);
if (stripped.length < original.length) writeFileSync(join(dir, wasm), stripped);
// LZMA2 at its strongest; pb=0/lc=4 suit wasm's byte-aligned code (~1 kB smaller).
const packed = execFileSync('xz', ['--format=xz', '--check=crc32', '--lzma2=preset=9e,pb=0,lc=4', '-c', join(dir, wasm)], {
  maxBuffer: 1 << 28,
});
writeFileSync(join(dir, `${wasm}.xz`), packed);
copyFileSync(decoder, join(dir, 'xz-decompress.min.js'));

const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const load = `const wasm = await init({ module_or_path: './${wasm}' });`;
if (!html.includes(load)) fail(`the loader line was not found in index.html: ${load}`);
const unpack = `// The module ships xz-compressed (scripts/pack-wasm.mjs): it is unpacked as it
// downloads and compiled as it unpacks; the plain module is the fallback.
async function packed() {
  const xz = self['xz-decompress'];
  if (!xz) throw new Error('no xz decoder');
  const res = await fetch('./${wasm}.xz');
  if (!res.ok || !res.body) throw new Error(\`no packed module (\${res.status})\`);
  return new Response(new xz.XzReadableStream(res.body), {
    headers: { 'Content-Type': 'application/wasm' },
  });
}
let wasm;
try {
  wasm = await init({ module_or_path: await packed() });
} catch (e) {
  console.warn('loading the plain module:', e);
  wasm = await init({ module_or_path: './${wasm}' });
}`;
html = html.replace(load, unpack);
// the browser preloads the packed module, not the plain one
const preload = new RegExp(`<link rel="preload" href="\\./${wasm.replace(/\./g, '\\.')}"[^>]*>`);
if (!preload.test(html)) fail('the wasm preload link was not found in index.html');
html = html.replace(
  preload,
  `<link rel="preload" href="./${wasm}.xz" as="fetch" crossorigin="anonymous">`,
);
const script = '<script defer src="./xz-decompress.min.js"></script>';
html = html.replace('<script type="module">', `${script}\n<script type="module">`);
if (!html.includes(script)) fail('could not place the decoder script');
writeFileSync(file, html);
console.log(`pack-wasm.mjs: ${wasm} ${readFileSync(join(dir, wasm)).length} B -> ${wasm}.xz ${packed.length} B`);
