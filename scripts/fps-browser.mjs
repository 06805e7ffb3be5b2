// Frame rate of the Lab with a tab open, per preset: opens a served release build in
// headless Chromium at 1280×800, loads each preset, opens the tab, lets the Lab play for
// a few wall seconds and prints frames per second and the 95th-percentile frame.
//   BASE_URL=http://127.0.0.1:8080/ node scripts/fps-browser.mjs [--tab Analytics] [preset …]
// (defaults: the Analytics tab; the 10,000-worker tree and the restart storm)
import { launchChromium } from '../tests/e2e/browser.mjs';

const base = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const args = process.argv.slice(2);
const tabAt = args.indexOf('--tab');
const tab = tabAt >= 0 ? args.splice(tabAt, 2)[1] : 'Analytics';
const presets = args.length ? args : ['large', 'restart_storm'];
const SECONDS = Number(process.env.FPS_SECONDS || 8);

const browser = await launchChromium();
try {
  for (const preset of presets) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base);
    await page.waitForSelector('[role=treeitem]');
    await page.getByLabel('Preset').selectOption(preset);
    await page.getByRole('tab', { name: tab }).click();
    if ((await page.getByRole('button', { name: 'Play', exact: true }).count()) === 1) {
      await page.getByRole('button', { name: 'Play', exact: true }).click();
    }
    await page.waitForTimeout(1000); // warm up
    const frames = await page.evaluate((ms) => new Promise((resolve) => {
      const out = [];
      let last = performance.now();
      const end = last + ms;
      const tick = (t) => {
        out.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(tick); else resolve(out);
      };
      requestAnimationFrame(tick);
    }), SECONDS * 1000);
    const total = frames.reduce((a, b) => a + b, 0);
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    const clock = await page.locator('.clock-value').textContent();
    console.log(`${preset.padEnd(14)} ${tab} tab: ${(frames.length / (total / 1000)).toFixed(1)} frames/s, p95 frame ${p95.toFixed(1)} ms over ${SECONDS} s (virtual time ${clock.trim()})${errors.length ? `; errors: ${errors.join('; ')}` : ''}`);
    await page.close();
  }
} finally {
  await browser.close();
}
