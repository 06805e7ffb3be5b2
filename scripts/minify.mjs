// Trunk post-build hook (release builds), after pack-wasm.mjs and before csp.mjs: makes
// the initial download smaller without changing what runs.
// - The stylesheets (style/*.css, one file per room) become one minified file, so the page
//   loads one and gzip sees them together (~2.3 kB gzip less than five files).
// - wasm-bindgen's JS glue and the page's inline loader (with the LZMA decoder) are
//   minified (~3 kB gzip less); the page loses its comments and indentation, and its icon
//   is inlined.
// esbuild (from npm, `.tools/`, pinned in scripts/tools.sh) does the minifying; every
// file keeps its Subresource Integrity hash, recomputed here.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify.mjs: TRUNK_STAGING_DIR is not set (run it as a Trunk hook)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const fail = (why) => {
  console.error(`minify.mjs: ${why}`);
  process.exit(1);
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = join(root, '.tools/node_modules/.bin/esbuild');
const minify = (text, loader) =>
  execFileSync(esbuild, ['--minify', `--loader=${loader}`, ...(loader === 'js' ? ['--format=esm'] : [])], {
    input: text,
    encoding: 'utf8',
  });
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');

// the stylesheets, in the page's order, as one file
const links = [...html.matchAll(/<link rel="stylesheet" href="\.\/([^"]+\.css)"[^>]*>\s*/g)];
if (links.length === 0) fail('no stylesheet links in index.html');
const css = minify(links.map((m) => readFileSync(join(dir, m[1]), 'utf8')).join('\n'), 'css');
const cssName = `app-${createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
writeFileSync(join(dir, cssName), css);
for (const m of links) unlinkSync(join(dir, m[1]));
html = html.replace(links[0][0], `<link rel="stylesheet" href="./${cssName}" integrity="${sri(css)}"/>\n    `);
for (const m of links.slice(1)) html = html.replace(m[0], '');

// the JS glue
const glue = /from '\.\/([^']+\.js)'/.exec(html);
if (!glue) fail('the loader does not import the JS glue');
const js = minify(readFileSync(join(dir, glue[1]), 'utf8'), 'js');
writeFileSync(join(dir, glue[1]), js);
const preload = new RegExp(`(<link rel="modulepreload" href="\\./${glue[1].replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`);
if (!preload.test(html)) fail('no modulepreload link for the JS glue');
html = html.replace(preload, `$1${sri(js)}$2`);

// the inline loader
let loaders = 0;
html = html.replace(/<script type="module">([\s\S]*?)<\/script>/g, (_, body) => {
  loaders += 1;
  return `<script type="module">${minify(body, 'js').trim()}</script>`;
});
if (loaders === 0) fail('no inline loader in index.html');

// the page itself: no comments, no indentation between tags; the icon inline (CSP allows
// data: images), one request fewer
html = html.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').trim();
const icon = /<link rel="icon" href="\.\/([^"]+\.svg)"[^>]*>/.exec(html);
if (icon) {
  const svg = readFileSync(join(dir, icon[1]));
  html = html.replace(icon[0], `<link rel="icon" href="data:image/svg+xml;base64,${svg.toString('base64')}">`);
}
writeFileSync(file, html);
console.log(`minify.mjs: ${links.length} stylesheets -> ${cssName}; ${glue[1]} and the loader minified`);
