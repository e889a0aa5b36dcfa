// Opens pages `cookiejar check --html` writes in Debian's chromium, headless, steps
// through each with the → key as a learner would, and writes down what the page shows
// at every step. It judges nothing: checks/cli/tests/browser_test.cpp compares what it
// saw with the verdict record the page was made from.
//
//   node page_test.mjs RESULT.json PAGE.html[=SCREENSHOT.png[,dark]]...
//
// RESULT.json: [{page, steps, seen: [{step, selected, marks, says}], first, hash,
// reloaded_step, back_step, waits_text, race_text, verdict, bug_class, errors, screenshot}]
// Exits 1, saying why, when the browser or playwright-core cannot be started: a missing
// browser is a failure, never a skip.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const chromiumPath = process.env.COOKIEJAR_CHROMIUM || '/usr/bin/chromium';
const [resultFile, ...pages] = process.argv.slice(2);
if (!resultFile || pages.length === 0) {
  console.error('usage: node page_test.mjs RESULT.json PAGE.html[=SCREENSHOT.png[,dark]]...');
  process.exit(64);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error(`page_test: playwright-core is not installed here (${e.message}).\n` +
    'Install it with: npm ci --prefix checks/cli/tests/browser');
  process.exit(1);
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
} catch (e) {
  console.error(`page_test: could not start ${chromiumPath} (${e.message.split('\n')[0]}).\n` +
    'Install Debian\'s browser with: apt-get install chromium');
  process.exit(1);
}

const results = [];
try {
  for (const spec of pages) {
    const [page, shotSpec] = spec.split('=');
    const [screenshot, scheme] = (shotSpec || '').split(',');
    const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, colorScheme: scheme === 'dark' ? 'dark' : 'light' });
    const tab = await context.newPage();
    const errors = [];
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    tab.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network: ${r.url()}`); });
    const url = pathToFileURL(page).href;
    await tab.goto(url);
    const look = () => tab.evaluate(() => {
      const app = document.getElementById('app');
      const sel = document.querySelector('#source .src-line.selected');
      return {
        step: app.dataset.step ? Number(app.dataset.step) : null,
        selected: sel ? Number(sel.dataset.line) : null,
        marks: [...document.querySelectorAll('#source .src-line .chip')].map((c) => ({
          thread: Number(c.dataset.thread), line: Number(c.closest('.src-line').dataset.line) })),
        says: (document.getElementById('step-says') || {}).textContent || '',
        file: (document.querySelector('#source .file-bar select') || document.getElementById('file-name') || {}).value ||
          (document.getElementById('file-name') || {}).textContent || '',
      };
    });
    const steps = await tab.evaluate(() => document.querySelectorAll('#grid tbody tr').length);
    const seen = [await look()];
    const first = seen[0].step;
    for (let k = 1; k < steps; k++) {
      await tab.keyboard.press('ArrowRight');
      seen.push(await look());
    }
    await tab.keyboard.press('ArrowRight');  // past the last step: stays there
    const after_last = (await look()).step;
    const text = (sel) => tab.evaluate((s) => (document.querySelector(s) || {}).textContent || '', sel);
    const result = {
      page, steps, seen, first, after_last,
      hash: await tab.evaluate(() => location.hash),
      waits_text: await text('#waits'),
      waits_svg_text: await text('#waits svg'),
      race_text: await text('#race'),
      verdict: await text('#verdict'),
      bug_class: await text('#bug-class'),
      errors,
      screenshot: screenshot || null,
    };
    if (screenshot) await tab.screenshot({ path: screenshot, fullPage: true });
    if (steps > 2) {
      // The address keeps the step: a reload of #step-2 shows step 2; ← goes back one.
      await tab.goto(`${url}#step-2`);
      await tab.reload();
      result.reloaded_step = (await look()).step;
      await tab.keyboard.press('ArrowLeft');
      result.back_step = (await look()).step;
    }
    results.push(result);
    await context.close();
  }
} finally {
  await browser.close();
}
writeFileSync(resultFile, JSON.stringify(results, null, 2));
