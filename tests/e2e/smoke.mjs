// End-to-end smoke test of the release build in Debian's headless Chromium (playwright-core).
//
//   BASE_URL=http://127.0.0.1:8181/otp-lab/ node tests/e2e/smoke.mjs
//
// scripts/test.sh builds the site, serves it under a sub-path and runs this. Screenshots go to
// tests/e2e/screenshots/. The last line is "N passed, M failed"; the exit status is 1 on failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let passed = 0;
let failed = 0;
async function test(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(err && err.stack ? err.stack : err).split('\n').join('\n  ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// One page for the whole run, as a person would use it.
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const consoleErrors = [];
const foreignRequests = [];
const origin = new URL(BASE_URL).origin;
page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
page.on('pageerror', (err) => consoleErrors.push(String(err)));
page.on('request', (req) => { if (!req.url().startsWith(origin)) foreignRequests.push(req.url()); });

const tree = page.getByRole('tree');
const items = page.getByRole('treeitem');
const field = (item, name) => item.locator(`[data-field="${name}"]`);

await test('the page loads and renders the supervision tree', async () => {
  const response = await page.goto(BASE_URL, { waitUntil: 'load' });
  assert(response && response.ok(), `HTTP ${response && response.status()}`);
  await tree.waitFor({ state: 'visible', timeout: 15000 });
  await page.waitForFunction(() => document.querySelectorAll('[role=treeitem]').length === 4, null, { timeout: 5000 });
  assert((await page.title()) === 'OTP Lab', `title is ${await page.title()}`);
  await page.screenshot({ path: join(SHOTS, 'lab-initial.png'), fullPage: true });
});

await test('the tree shows ids, pids, statuses and restart counters', async () => {
  const ids = await items.locator('.node-id').allTextContents();
  assert(JSON.stringify(ids) === JSON.stringify(['demo', 'counter_1', 'counter_2', 'printer']), `ids ${ids}`);
  assert((await items.first().getAttribute('aria-level')) === '1', 'root has aria-level 1');
  for (let i = 0; i < 4; i += 1) {
    const item = items.nth(i);
    assert(/^<\d+\.\d+\.\d+>$/.test(await field(item, 'pid').textContent()), `pid of item ${i}`);
    assert((await field(item, 'status').textContent()).includes('running'), `status of item ${i}`);
    assert(/^\d+$/.test(await field(item, 'restarts').textContent()), `restarts of item ${i}`);
    assert(await item.getAttribute('data-path'), `data-path of item ${i}`);
  }
  assert((await page.getByRole('button', { name: 'Kill', exact: true }).count()) === 3, 'one Kill per worker');
});

await test('the event log shows the start of the demo', async () => {
  const log = page.getByRole('log');
  await log.locator('li').first().waitFor({ timeout: 5000 });
  assert((await log.locator('li').count()) > 0, 'log lines');
});

await test('Kill on a worker makes its supervisor restart it with a new pid', async () => {
  const worker = items.filter({ has: page.getByRole('button', { name: 'Kill', exact: true }) }).first();
  const path = await worker.getAttribute('data-path');
  const item = page.locator(`[role=treeitem][data-path="${path}"]`);
  const pidBefore = await field(item, 'pid').textContent();
  const restartsBefore = Number(await field(item, 'restarts').textContent());
  const logBefore = await page.getByRole('log').locator('li').count();
  await item.getByRole('button', { name: 'Kill', exact: true }).click();
  await page.waitForFunction(
    ({ path, pidBefore, restartsBefore }) => {
      const el = document.querySelector(`[role=treeitem][data-path="${path}"]`);
      if (!el) return false;
      const pid = el.querySelector('[data-field=pid]').textContent;
      const restarts = Number(el.querySelector('[data-field=restarts]').textContent);
      const status = el.querySelector('[data-field=status]').textContent;
      return restarts > restartsBefore && pid !== pidBefore && status.includes('running');
    },
    { path, pidBefore, restartsBefore },
    { timeout: 5000 },
  );
  const focused = await page.evaluate((path) => {
    const el = document.activeElement;
    return el && el.matches('button.kill') && el.closest('[role=treeitem]').dataset.path === path;
  }, path);
  assert(focused, 'the Kill button keeps the focus while its row updates');
  const logAfter = await page.getByRole('log').locator('li').count();
  assert(logAfter > logBefore, `log grew (${logBefore} -> ${logAfter})`);
  await page.screenshot({ path: join(SHOTS, 'lab-after-kill.png'), fullPage: true });
});

await test('virtual time advances while the lab runs', async () => {
  const clock = page.locator('.clock-value');
  const t0 = await clock.textContent();
  await page.waitForFunction((t0) => document.querySelector('.clock-value').textContent !== t0, t0, { timeout: 5000 });
});

await test('the layout fits a tablet without horizontal scrolling', async () => {
  await page.setViewportSize({ width: 800, height: 1000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await page.screenshot({ path: join(SHOTS, 'lab-tablet.png'), fullPage: true });
});

await test('no console errors and no requests to other origins', async () => {
  assert(consoleErrors.length === 0, `console errors:\n${consoleErrors.join('\n')}`);
  assert(foreignRequests.length === 0, `foreign requests:\n${foreignRequests.join('\n')}`);
});

await browser.close();
console.log(`screenshots in ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
