// Opens bench.html of a served release build in headless Chromium, waits for the
// workloads to finish and prints the page's lines (the `otp-lab bench` format).
//   BASE_URL=http://127.0.0.1:8080/ node scripts/bench-browser.mjs [--quick]
import { launchChromium } from '../tests/e2e/browser.mjs';

const base = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const quick = process.argv.includes('--quick');
// steady state: V8 compiles the module with its optimizing tier up front instead of
// starting on the baseline compiler and tiering up in the background during the run
const browser = await launchChromium(['--js-flags=--no-liftoff']);
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}bench.html${quick ? '?quick' : ''}`);
  await page.waitForFunction(() => document.body.dataset.benchDone === '1', null, { timeout: 600000 });
  process.stdout.write(await page.locator('#bench-output').textContent());
  if (errors.length) {
    console.error(errors.join('\n'));
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
