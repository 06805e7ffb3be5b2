// Layout checks of the release build at a desktop and a phone size, in both themes: the
// Lab (a worker, then a supervisor selected), the Lessons page (a lesson open, its log
// open) and Compare (four sandboxes). At each, a screenshot, and three assertions: the page
// does not scroll sideways, every inspector action is inside its panel, and no element
// sticks out of its card (a scrolling area may hold more than it shows; nothing else may).
//
//   BASE_URL=http://127.0.0.1:8181/otp-lab/ node tests/e2e/layout.mjs
//
// The last line is "N passed, M failed"; the exit status is 1 on failure.
import { launchChromium } from './browser.mjs';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots', 'layout');
mkdirSync(SHOTS, { recursive: true });

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
const THEMES = ['dark', 'light'];

let passed = 0;
let failed = 0;
function report(name, problems) {
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}\n  ${problems.slice(0, 12).join('\n  ')}`);
  }
}

// What sticks out, measured in the page: the sideways scroll, inspector actions outside
// their panel, and elements outside their card (cards: panels, sandboxes, lesson cards).
async function problemsOn(page, where) {
  return page.evaluate((where) => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      out.push(`${where}: the page scrolls ${doc.scrollWidth - window.innerWidth} px sideways`);
    }
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el) => {
      const label = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''} "${label}"`;
    };
    for (const panel of document.querySelectorAll('section[aria-label="Inspector"]')) {
      if (!visible(panel)) continue;
      const p = panel.getBoundingClientRect();
      for (const b of panel.querySelectorAll('button, input, select')) {
        if (!visible(b)) continue;
        const r = b.getBoundingClientRect();
        if (r.left < p.left - 1 || r.right > p.right + 1) {
          out.push(`${where}: inspector ${name(b)} is outside its panel (${Math.round(r.left)}–${Math.round(r.right)} vs ${Math.round(p.left)}–${Math.round(p.right)})`);
        }
      }
    }
    // an element's box must lie inside its nearest clipping ancestor within the card (or
    // the card): unless that ancestor scrolls, what lies outside is cut off
    const clips = (el) => {
      const s = getComputedStyle(el);
      return s.overflowX !== 'visible';
    };
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const cards = document.querySelectorAll('.panel, .sandbox, .lesson-card, .card');
    for (const card of cards) {
      if (!visible(card)) continue;
      for (const el of card.querySelectorAll('*')) {
        if (!visible(el) || el.closest('svg') && el.tagName !== 'svg') continue;
        // what a closed <details> holds is not shown
        const closed = el.closest('details:not([open])');
        if (closed && !el.closest('summary') && el !== closed) continue;
        let box = card;
        for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
          if (clips(a)) { box = a; break; }
        }
        if (box !== card && scrolls(box)) continue;
        const r = el.getBoundingClientRect();
        const b = box.getBoundingClientRect();
        if (r.right > b.right + 1 || r.left < b.left - 1) {
          out.push(`${where}: ${name(el)} sticks out of ${name(box)} by ${Math.round(Math.max(r.right - b.right, b.left - r.left))} px`);
        }
        // below the card's bottom, unless the card itself scrolls
        const down = ['auto', 'scroll'].includes(getComputedStyle(box).overflowY);
        if (!down && r.bottom > b.bottom + 1 && r.top < b.bottom) {
          out.push(`${where}: ${name(el)} sticks out under ${name(box)} by ${Math.round(r.bottom - b.bottom)} px`);
        }
      }
    }
    return out;
  }, where);
}

const browser = await launchChromium();
for (const size of SIZES) {
  for (const theme of THEMES) {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: theme });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const button = (name) => page.getByRole('button', { name, exact: true });
    const at = `${size.name} ${theme}`;
    const shot = (what) => page.screenshot({ path: join(SHOTS, `${what}-${size.name}-${theme}.png`) });
    try {
      await page.goto(BASE_URL, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('.lab [role=treeitem]').length === 4, null, { timeout: 15000 });
      // the Lab, a worker selected
      await page.locator('.lab [role=treeitem][data-path="demo/counter_1"]').click();
      await page.locator('.lab section[aria-label="Inspector"]').getByRole('button', { name: 'Kill', exact: true }).waitFor({ timeout: 5000 });
      await shot('lab-worker');
      report(`${at}: the Lab with a worker selected`, await problemsOn(page, 'lab, worker'));
      // a supervisor selected
      await page.locator('.lab [role=treeitem][data-path="demo"]').click();
      await page.locator('.lab section[aria-label="Inspector"]').getByRole('button', { name: 'Restart child', exact: true }).waitFor({ timeout: 5000 });
      await shot('lab-supervisor');
      report(`${at}: the Lab with a supervisor selected`, await problemsOn(page, 'lab, supervisor'));
      if (size.name === 'desktop') {
        // the splitter gives the tree or the views more room; focus mode gives the views all
        const height = (sel) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().height);
        const tree0 = await height('.lab .tree-panel');
        await page.getByRole('separator', { name: 'Resize the tree and the views' }).focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        const tree1 = await height('.lab .tree-panel');
        const views1 = await height('.lab .bottom-panel');
        await button('Expand the views').click();
        const views2 = await height('.lab .bottom-panel');
        const treeShown = await page.locator('.lab .tree-panel').isVisible();
        await button('Show the tree').click();
        report(`${at}: the splitter and focus mode`, [
          ...(tree1 > tree0 + 20 ? [] : [`the splitter moved the tree from ${tree0} to ${tree1} px`]),
          ...(views2 > views1 + 100 && !treeShown ? [] : [`focus mode: the views ${views1} → ${views2} px, tree shown: ${treeShown}`]),
        ]);
      }
      // every tab of the bottom panel
      const tabProblems = [];
      for (const tab of ['Event log', 'Sequence', 'Graph', 'Console', 'Analytics', 'Faults']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForTimeout(200);
        tabProblems.push(...await problemsOn(page, `lab, ${tab}`));
      }
      await shot('lab-faults');
      report(`${at}: the Lab's tabs`, tabProblems);
      // Lessons: the first lesson, its event log open
      await button('Lessons').click();
      await page.locator('.lessons-page h2, .lessons-page h3').first().waitFor({ timeout: 15000 });
      await page.waitForTimeout(500);
      const details = page.locator('.lessons-page details');
      for (let i = 0; i < await details.count(); i += 1) {
        await details.nth(i).evaluate((d) => { d.open = true; });
      }
      await page.waitForTimeout(300);
      await shot('lessons');
      const squeezed = await page.evaluate(() => ['.lesson-lab > .tree-scroll', '.lesson-lab > .console']
        .map((sel) => [sel, Math.round(document.querySelector(sel).getBoundingClientRect().height)])
        .filter(([, h]) => h < 150)
        .map(([sel, h]) => `lessons: ${sel} is squeezed to ${h} px`));
      report(`${at}: the Lessons page`, [...squeezed, ...await problemsOn(page, 'lessons')]);
      // Compare: four sandboxes
      await button('Compare').click();
      await button('Add sandbox').click();
      await page.waitForFunction(() => document.querySelectorAll('.sandbox').length === 2, null, { timeout: 15000 });
      await button('Add sandbox').click();
      await button('Add sandbox').click();
      await page.waitForFunction(() => document.querySelectorAll('.sandbox').length === 4, null, { timeout: 5000 });
      await page.waitForTimeout(300);
      await shot('compare');
      report(`${at}: Compare with four sandboxes`, await problemsOn(page, 'compare'));
    } catch (e) {
      report(`${at}: the walk through the pages`, [String(e).split('\n')[0]]);
    }
    if (errors.length) report(`${at}: no page errors`, errors);
    await context.close();
  }
}
await browser.close();
console.log(`screenshots in ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
