// Prints the initial download of the release build (every file index.html loads:
// wasm, JS, CSS, icon, the page itself), raw and gzip-compressed, against the budget.
//   node scripts/size.mjs dist
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] || 'dist';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const files = new Set(['index.html']);
for (const m of html.matchAll(/(?:href|src|module_or_path:)\s*=?\s*['"]\.\/([^'"]+)['"]/g)) files.add(m[1]);
for (const m of html.matchAll(/from '\.\/([^']+)'/g)) files.add(m[1]);
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${f.padEnd(48)} ${String(bytes.length).padStart(9)} B  ${String(z).padStart(8)} B gzip`);
}
const budget = 400 * 1024;
console.log(`initial download: ${raw} B, ${(gz / 1024).toFixed(1)} kB gzip (budget ${budget / 1024} kB: ${gz <= budget ? 'within' : 'OVER'})`);
