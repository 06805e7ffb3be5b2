// Trunk post-build hook (release builds): ships the wasm module LZMA-compressed.
//
// gzip, which static hosts apply, leaves the module at ~510 kB; LZMA at ~384 kB. The page
// fetches `<module>_bg.wasm.lzma` and unpacks it with scripts/unlzma.js (a small LZMA
// decoder, inlined into the loader: ~2 kB gzip where the xz-embedded decoder built to wasm
// was ~9 kB), then hands the bytes to wasm-bindgen. Every build checks that the decoder
// gives the module back byte for byte. If the packed file cannot be had or does not unpack,
// the loader falls back to the plain module, which stays next to it (bench.html loads that
// one).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const decoderSource = readFileSync(join(root, 'scripts/unlzma.js'), 'utf8');

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
// The source paths of the standard library and of other crates, which panic messages
// name (`/rustc/<hash>/library/core/src/…`, `…/.cargo/registry/src/…`), are blanked:
// zeros in place, so nothing moves; a panic in OTP Lab's own crates keeps its file. ~0.8 kB.
// Strings sit side by side in the module, so a path is matched from its exact start.
function withoutForeignPaths(bytes) {
  const text = bytes.toString('latin1');
  const cargoHome = process.env.CARGO_HOME || join(process.env.HOME || '/root', '.cargo');
  const registry = `${cargoHome}/registry/src/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const paths = new RegExp(`(?:${registry}|/rustc/[0-9a-f]{40}/)[^\\x00-\\x1f"]*?\\.rs`, 'g');
  const out = Buffer.from(bytes);
  for (const m of text.matchAll(paths)) out.fill(0, m.index, m.index + m[0].length);
  return out;
}
const original = readFileSync(join(dir, wasm));
const stripped = withoutForeignPaths(withoutCustomSections(original));
if (Buffer.compare(stripped, original) !== 0) writeFileSync(join(dir, wasm), stripped);
// LZMA at its strongest; pb=0/lc=4 suit wasm's byte-aligned code (~1 kB smaller). xz
// leaves the size unknown in the header; the decoder wants it, so it is written in.
const packed = execFileSync('xz', ['--format=lzma', '--lzma1=preset=9e,pb=0,lc=4', '-c', join(dir, wasm)], {
  maxBuffer: 1 << 28,
});
let left = stripped.length;
for (let i = 0; i < 8; i++) {
  packed[5 + i] = left % 256;
  left = Math.floor(left / 256);
}
const unlzma = new Function(`${decoderSource}\nreturn unlzma;`)();
if (Buffer.compare(Buffer.from(unlzma(new Uint8Array(packed))), stripped) !== 0) {
  fail('scripts/unlzma.js does not give the module back');
}
writeFileSync(join(dir, `${wasm}.lzma`), packed);
// the decoder as the page gets it: without its comments
const decoder = decoderSource
  .split('\n')
  .filter((line) => !/^\s*\/\//.test(line))
  .join('\n')
  .trim();

const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const load = `const wasm = await init({ module_or_path: './${wasm}' });`;
if (!html.includes(load)) fail(`the loader line was not found in index.html: ${load}`);
const unpack = `// The module ships LZMA-compressed (scripts/pack-wasm.mjs); the plain one is the fallback.
${decoder}
async function packed() {
  const res = await fetch('./${wasm}.lzma');
  if (!res.ok) throw new Error(\`no packed module (\${res.status})\`);
  return unlzma(new Uint8Array(await res.arrayBuffer()));
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
  `<link rel="preload" href="./${wasm}.lzma" as="fetch" crossorigin="anonymous">`,
);
writeFileSync(file, html);
console.log(`pack-wasm.mjs: ${wasm} ${stripped.length} B -> ${wasm}.lzma ${packed.length} B`);
