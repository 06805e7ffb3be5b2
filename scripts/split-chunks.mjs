// Trunk post-build hook, first: ships the chunks wasm-split cut from the module (src/lazy.rs,
// scripts/trunk-cargo/cargo): one `split_<name>.wasm` per split point and a `chunk_<n>.wasm`
// for code two of them share (fetched before either). Each is optimized by wasm-opt like the main
// module and renamed by its content's hash, as is `__wasm_split.js` (the loader the main
// module imports); the names inside them and in wasm-bindgen's JS are changed to match,
// so a page never links a chunk of another build. A build without chunks is left as it is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('split-chunks.mjs: TRUNK_STAGING_DIR is not set (run it as a Trunk hook)');
  process.exit(1);
}
const fail = (why) => {
  console.error(`split-chunks.mjs: ${why}`);
  process.exit(1);
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const link = './__wasm_split.js';
const mains = readdirSync(dir).filter((f) => /^otp-lab-web-[0-9a-f]+\.js$/.test(f));
if (mains.length !== 1) fail(`expected one otp-lab-web-<hash>.js in ${dir}, found ${mains.length}`);
const mainJs = mains[0];
let glue = readFileSync(join(dir, mainJs), 'utf8');
if (!glue.includes(`"${link}"`)) process.exit(0);

const split = join(root, 'target/wasm-split');
if (!existsSync(join(split, '__wasm_split.js'))) fail(`${split}/__wasm_split.js is missing`);
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const release = process.env.TRUNK_PROFILE === 'release';
let loader = readFileSync(join(split, '__wasm_split.js'), 'utf8');
const chunks = readdirSync(split).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f));
for (const chunk of chunks) {
  // wasm-opt writes the staged file, which then takes its hash in its name
  const out = join(dir, chunk);
  if (release) {
    execFileSync('wasm-opt', ['-tnh', '-Oz', '-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
      join(split, chunk), '-o', out], { stdio: 'inherit' });
  } else {
    copyFileSync(join(split, chunk), out);
  }
  const bytes = readFileSync(out);
  const named = chunk.replace(/\.wasm$/, `-${hash(bytes)}.wasm`);
  renameSync(out, join(dir, named));
  if (!loader.includes(`"./${chunk}"`)) fail(`__wasm_split.js does not name ${chunk}`);
  loader = loader.replace(`"./${chunk}"`, `"./${named}"`);
  console.log(`split-chunks.mjs: ${named} ${bytes.length} B`);
}
if (!loader.includes('from "./otp-lab-web.js"')) fail('__wasm_split.js does not import ./otp-lab-web.js');
loader = loader.replace('from "./otp-lab-web.js"', `from "./${mainJs}"`);
if (release) {
  const esbuild = join(root, '.tools/node_modules/.bin/esbuild');
  loader = execFileSync(esbuild, ['--minify', '--loader=js', '--format=esm'], { input: loader }).toString();
}
const loaderName = `__wasm_split-${hash(loader)}.js`;
writeFileSync(join(dir, loaderName), loader);
// wasm-bindgen imports the loader once per chunk; the import object's keys stay (they
// are the module names the wasm imports from)
const imports = `from "${link}"`;
if (!glue.includes(imports)) fail(`${mainJs} does not import ${link}`);
glue = glue.replaceAll(imports, `from "./${loaderName}"`);
writeFileSync(join(dir, mainJs), glue);
