// The browser soak: a virtual hour of chaos on a 1,000-worker tree (the `otp-lab soak`
// experiment, opened as a share link) run in the Lab at "max" speed in headless Chromium,
// while a person keeps using the page. Measures what the UI does meanwhile: frame rate and
// the longest frames, how long a click on the tree takes to show, the wasm memory and the
// JS heap per virtual 10 minutes.
//
//   BASE_URL=http://127.0.0.1:8199/ SOAK_LINK='#v1.…' node tests/e2e/soak.mjs
//
// scripts/soak-browser.sh builds, serves and runs it. The last lines start with
// "# soak (browser):"; the exit status is 1 if the run did not reach the virtual hour,
// logged fewer than 10 million events, errored, or kept growing its memory.
import { launchChromium } from './browser.mjs';

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const LINK = process.env.SOAK_LINK || '';
const VIRTUAL_US = Number(process.env.SOAK_VIRTUAL_S || 3600) * 1e6;
const WALL_LIMIT_MS = Number(process.env.SOAK_WALL_LIMIT_S || 900) * 1000;
if (!LINK.startsWith('#v1.')) {
  console.error('soak: SOAK_LINK must be the fragment `otp-lab soak --link` prints');
  process.exit(2);
}

const browser = await launchChromium(['--enable-precise-memory-info']);
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
// the wasm module's memory, handed over by Trunk's loader
await page.addInitScript(() => {
  addEventListener('TrunkApplicationStarted', (e) => { window.__soakMemory = e.detail.wasm.memory; });
});

await page.goto(BASE_URL + LINK);
await page.waitForSelector('[role=treeitem][data-path="root/s0/w3"]');
await page.getByLabel('Speed').selectOption('max');

// every frame's length, from now on
await page.evaluate(() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});

const read = async () => page.evaluate(() => {
  const c = document.querySelector('.clock-value');
  return {
    nowUs: Number(c.dataset.nowUs),
    events: Number(c.dataset.events),
    wasm: window.__soakMemory ? window.__soakMemory.buffer.byteLength : 0,
    heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
    frames: window.__frames.splice(0),
  };
});
// a click on a tree node, until the node shows as selected (ms)
const clickLatency = (path) => page.evaluate((p) => new Promise((resolve) => {
  const sel = `[role=treeitem][data-path="${p}"]`;
  const el = document.querySelector(sel);
  if (!el) { resolve(null); return; }
  const t0 = performance.now();
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  const check = () => {
    const now = document.querySelector(sel);
    if (now && now.getAttribute('aria-selected') === 'true') resolve(performance.now() - t0);
    else if (performance.now() - t0 > 10000) resolve(Infinity);
    else requestAnimationFrame(check);
  };
  check();
}), path);

const t0 = Date.now();
const frames = [];
const clicks = [];
const perTen = []; // [virtual 10-minute slot] = { wasm, heap } at its end
let s = await read();
let n = 0;
while (s.nowUs < VIRTUAL_US && Date.now() - t0 < WALL_LIMIT_MS) {
  await page.waitForTimeout(1000);
  n += 1;
  const latency = await clickLatency(n % 2 ? 'root/s0/w3' : 'root/s0/w8');
  if (latency !== null) clicks.push(latency);
  s = await read();
  frames.push(...s.frames);
  const slot = Math.min(5, Math.floor(s.nowUs / 600e6));
  perTen[slot] = { wasm: s.wasm, heap: s.heap };
  if (n % 10 === 0) {
    console.log(`soak: ${(Date.now() - t0) / 1000} s wall, ${(s.nowUs / 1e6).toFixed(0)} virtual s, ${s.events} events, wasm ${(s.wasm / 1e6).toFixed(1)} MB, JS heap ${(s.heap / 1e6).toFixed(1)} MB`);
  }
}
const wall = (Date.now() - t0) / 1000;
await page.screenshot({ path: new URL('./screenshots/soak-end.png', import.meta.url).pathname });
await browser.close();

const sorted = (a) => [...a].sort((x, y) => x - y);
const pct = (a, p) => (a.length ? sorted(a)[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN);
const mb = (b) => (b / 1e6).toFixed(1);
const fps = frames.length / (frames.reduce((x, y) => x + y, 0) / 1000);
console.log(`# soak (browser): ${(s.nowUs / 1e6).toFixed(0)} virtual s, ${s.events} events in ${wall.toFixed(0)} s wall (${(s.events / wall / 1e6).toFixed(2)} M events/s)`);
console.log(`# soak (browser): ${fps.toFixed(1)} frames/s; frame length p50 ${pct(frames, 0.5).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`);
console.log(`# soak (browser): a click on the tree showed in p50 ${pct(clicks, 0.5).toFixed(0)} ms, p95 ${pct(clicks, 0.95).toFixed(0)} ms, max ${Math.max(...clicks).toFixed(0)} ms (${clicks.length} clicks)`);
console.log(`# soak (browser): wasm memory per virtual 10 minutes (MB): ${perTen.map((x) => (x ? mb(x.wasm) : '-')).join(' ')}; JS heap (MB): ${perTen.map((x) => (x ? mb(x.heap) : '-')).join(' ')}`);

const problems = [];
if (s.nowUs < VIRTUAL_US) problems.push(`reached only ${(s.nowUs / 1e6).toFixed(0)} virtual s in ${wall.toFixed(0)} s`);
if (VIRTUAL_US >= 3600e6 && s.events < 10e6) problems.push(`only ${s.events} events`);
if (errors.length) problems.push(`page errors: ${errors.slice(0, 3).join(' | ')}`);
const mid = perTen[3];
const end = perTen[perTen.length - 1];
if (mid && end && end.wasm > mid.wasm * 1.1) problems.push(`wasm memory kept growing: ${mb(mid.wasm)} MB at 40 virtual min, ${mb(end.wasm)} MB at the end`);
if (clicks.some((c) => c === Infinity)) problems.push('a click on the tree never showed');
if (problems.length) {
  console.log(`# soak (browser): FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('# soak (browser): ok');
