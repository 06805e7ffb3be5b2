// Prints the initial download of the release build (every file index.html loads: the
// packed wasm module and its decoder, JS and the JS it imports, CSS, icon, the page itself), raw and
// gzip-compressed, against the budget (exit status 1 when over it). (The plain module, loaded only when the packed one
// cannot be, is reported on its own line.)
//   node scripts/size.mjs dist
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] || 'dist';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const files = new Set(['index.html']);
for (const m of html.matchAll(/(?:href|src|fetch\()\s*=?\s*['"]\.\/([^'"]+)['"]/g)) files.add(m[1]);
for (const m of html.matchAll(/from\s*["']\.\/([^"']+)["']/g)) files.add(m[1]);
// modules the page's JS imports at once (wasm-split's chunk loader), found in every file so far
for (const f of [...files].filter((f) => f.endsWith('.js'))) {
  const js = readFileSync(join(dir, f), 'utf8');
  for (const m of js.matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)) files.add(m[1]);
}
// the chunks wasm-split cut off: fetched when first used (src/lazy.rs), not at load
const chunks = readdirSync(dir).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f));
// the fallback: fetched only when the packed module cannot be
const fallback = [...html.matchAll(/module_or_path:\s*["']\.\/([^"']+)["']/g)].map((m) => m[1]);
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${f.padEnd(48)} ${String(bytes.length).padStart(9)} B  ${String(z).padStart(8)} B gzip`);
}
for (const f of fallback) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  console.log(`(fallback, not in the total) ${f} ${bytes.length} B, ${z} B gzip`);
}
for (const f of chunks) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  console.log(`(loaded when first used, not in the total) ${f} ${bytes.length} B, ${z} B gzip`);
}
const budget = 400 * 1024;
console.log(`initial download: ${raw} B, ${(gz / 1024).toFixed(1)} kB gzip (budget ${budget / 1024} kB: ${gz <= budget ? 'within' : 'OVER'})`);
// over the budget fails the test run (scripts/test.sh)
if (gz > budget) process.exit(1);
