// End-to-end check of the Content-Security-Policy (Debian's Chromium through
// playwright-core) against a real `hmkg serve` at HMKG_URL holding the curated
// dataset and stories. The policy allows styles only from the server's own
// files (style-src 'self', plus a per-page nonce on GraphiQL): no inline
// <style>, no style attribute. Every page and frame reports each
// `securitypolicyviolation` event to the test, and console errors about the
// policy are collected too, while the test opens the dashboard (graph drawn,
// search results, tensions), a story in presentation mode (stepped, a citation
// opened), an embed in an <iframe> on a page of another origin, GraphiQL (a
// query run, its settings dialog opened) and the story's
// self-contained HTML export from file://. Any report fails the test.
// Screenshots go to HMKG_SCREENSHOTS.
//
//   HMKG_URL=http://127.0.0.1:8080 node --test e2e/csp.e2e.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';

const BASE = process.env.HMKG_URL ?? 'http://127.0.0.1:8080';
const SHOTS = resolve(process.env.HMKG_SCREENSHOTS ?? 'test-output/dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const STORY = 'movement-aids';

mkdirSync(SHOTS, { recursive: true });

let context;
let page;
let profile;
let host;
let hostUrl;
let tmp;
/** Every policy violation and policy console error, with the page it came from. */
const violations = [];

/** Registered in every page and frame before its scripts run. */
function report() {
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__hmkgCSP?.({
      directive: e.effectiveDirective,
      blocked: e.blockedURI,
      sample: e.sample,
      where: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      page: location.href,
    });
  });
}

function watch(p, label) {
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) violations.push({ console: m.text(), page: label });
  });
  p.on('pageerror', (e) => violations.push({ pageerror: String(e), page: label }));
}

/** policyOf checks a response's policy: styles from the server only (and a nonce), never 'unsafe-inline'. */
function policyOf(res) {
  const csp = res.headers()['content-security-policy'] ?? '';
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes/, `policy of ${res.url()}: ${csp}`);
  assert.match(csp, /(^|; )style-src 'self'( 'nonce-[A-Za-z0-9+/=]+')?;/, `style-src of ${res.url()}: ${csp}`);
  return csp;
}

async function stepReady(p, n) {
  await p.waitForFunction((want) => document.body.dataset.stepReady === want, String(n), { timeout: 20_000 });
}

describe('content security policy', () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'hmkg-csp-'));
    host = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>A page that embeds a story</title></head><body>
<iframe id="story" src="${BASE}/embed/s/${STORY}" width="860" height="520" title="story"></iframe></body></html>`);
    });
    await new Promise((ok) => host.listen(0, '127.0.0.1', ok));
    hostUrl = `http://127.0.0.1:${host.address().port}`;
    profile = mkdtempSync(join(tmpdir(), 'hmkg-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1366, height: 768 },
    });
    await context.exposeBinding('__hmkgCSP', (_source, v) => violations.push(v));
    await context.addInitScript(report);
    page = context.pages()[0] ?? (await context.newPage());
    watch(page, 'main');
  });

  after(async () => {
    await context?.close();
    host?.close();
    for (const d of [profile, tmp]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('the listener hears a violation (an inline <style> added by a script)', async () => {
    policyOf(await page.goto(BASE + '/'));
    await page.evaluate(() => {
      const s = document.createElement('style');
      s.textContent = 'body { outline: 1px solid red; }';
      document.head.append(s);
    });
    await page.waitForFunction(() => true);
    for (let i = 0; i < 20 && !violations.some((v) => v.directive === 'style-src-elem'); i++) await page.waitForTimeout(100);
    assert.ok(violations.some((v) => v.directive === 'style-src-elem' && v.page === BASE + '/'), JSON.stringify(violations));
    violations.length = 0;
  });

  test('the dashboard: start page, a drawn graph, search results and the tensions panel', async () => {
    policyOf(await page.goto(BASE + '/'));
    await page.locator('#start-movements button[data-id="aids-movement"]').click({ timeout: 15_000 });
    await page.waitForFunction(() => window.hmkg.view.nodes.size > 1, null, { timeout: 15_000 });
    // Cytoscape's container rule comes from cytoscape.css, not an inline <style>.
    assert.equal(await page.evaluate(() => document.querySelectorAll('style').length), 0, 'no <style> element');
    assert.notEqual(await page.evaluate(() => getComputedStyle(window.hmkg.cy.container()).position), 'static');
    // Search results carry the kinds' legend icons (SVG markup).
    await page.locator('#q').fill('ACT UP');
    await page.locator('#results li svg').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.locator('#tensions-open').click();
    await page.locator('#tensions-charts svg').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'csp-dashboard.png') });
  });

  test('a story in presentation mode, stepped, with a citation opened', async () => {
    policyOf(await page.goto(`${BASE}/s/${STORY}`));
    await stepReady(page, 0);
    await page.locator('body').press('ArrowRight');
    await stepReady(page, 1);
    await page.locator('#story .cite-link').first().click();
    await page.locator('#story .cite .sources a').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'csp-story.png') });
  });

  test('an embed in an iframe on another origin', async () => {
    const embedded = new Promise((ok) => page.on('response', (r) => r.url().startsWith(`${BASE}/embed/`) && ok(r)));
    await page.goto(hostUrl + '/');
    policyOf(await embedded);
    const frame = page.frameLocator('#story');
    await frame.locator('#embed-title').waitFor({ timeout: 15_000 });
    const f = page.frames().find((x) => x.url().startsWith(`${BASE}/embed/`));
    await stepReady(f, 0);
    await frame.locator('#embed-next').click();
    await stepReady(f, 1);
    assert.equal(await f.evaluate(() => document.querySelectorAll('style').length), 0, 'no <style> element in the embed');
    await page.screenshot({ path: join(SHOTS, 'csp-embed.png') });
  });

  test('GraphiQL: a query and the settings dialog', async () => {
    const csp = policyOf(await page.goto(BASE + '/graphiql'));
    assert.match(csp, /style-src 'self' 'nonce-/);
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
    await page.locator('.graphiql-query-editor', { hasText: 'query Start' }).waitFor({ timeout: 20_000 });
    const result = page.locator('.result-window', { hasText: 'datasetName' });
    for (let i = 0; i < 4 && !(await result.isVisible()); i++) {
      await page.locator('.graphiql-execute-button').click();
      await result.waitFor({ timeout: 8_000 }).catch(() => {});
    }
    await result.waitFor({ timeout: 1_000 });
    // A dialog: Radix adds its scroll-lock <style>, stamped with the page's nonce.
    await page.locator('[aria-label="Open settings dialog"]').click();
    await page.locator('[role="dialog"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'csp-graphiql-dialog.png') });
    const styles = await page.evaluate(() => [...document.querySelectorAll('style')].map((s) => s.nonce !== ''));
    assert.ok(styles.every(Boolean), 'every <style> GraphiQL added carries the nonce');
    await page.keyboard.press('Escape');
    await page.locator('[role="dialog"]').waitFor({ state: 'detached' });
  });

  test('the exported story from file:// (its own policy, in a <meta>)', async () => {
    const res = await fetch(`${BASE}/s/${STORY}/export.html`);
    assert.equal(res.status, 200);
    const file = join(tmp, `${STORY}.html`);
    writeFileSync(file, await res.text());
    const offline = await context.newPage();
    watch(offline, 'file');
    await offline.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    await offline.goto(pathToFileURL(file).href);
    await offline.locator('#story h1').waitFor();
    assert.ok((await offline.locator('svg circle').count()) > 1, 'the step graph is drawn');
    const meta = await offline.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.doesNotMatch(meta, /unsafe-inline/);
    // The inline style sheet is allowed by its hash: it is applied.
    assert.ok(await offline.evaluate(() => document.styleSheets.length === 1 && document.styleSheets[0].cssRules.length > 0), 'the style sheet applies');
    await offline.locator('body').press('ArrowRight');
    await offline.waitForFunction(() => document.body.dataset.step === '1');
    await offline.screenshot({ path: join(SHOTS, 'csp-export-offline.png') });
    await offline.close();
  });

  test("README's screenshots: the start page and a curated story in presentation mode", async () => {
    // The curated store as shipped; copied to docs/ when they change (README, Stories).
    await page.setViewportSize({ width: 1024, height: 640 });
    try {
      await page.goto(BASE + '/');
      await page.locator('#start-tensions button').first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'readme-start-page.png') });
      await page.goto(`${BASE}/s/movement-aids/1`);
      await stepReady(page, 1);
      await page.locator('#story .cite-link').first().click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'readme-story-presentation.png') });
    } finally {
      await page.setViewportSize({ width: 1366, height: 768 });
    }
  });

  test('no page broke the policy', () => {
    assert.deepEqual(violations, []);
  });
});
