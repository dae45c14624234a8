// End-to-end tests of stories in the browser (Debian's Chromium through
// playwright-core) against a real `hmkg serve` at HMKG_URL with the API key
// HMKG_API_KEY: the start page, a story created through the API and opened by
// its permalink, stepped through by keyboard, a citation's sources, the embed
// in an <iframe> on a page of another origin (a tiny static server started
// here on another loopback port), the stale mark after a cited fact changes
// and an editor accepting it, a view saved as a story from the dashboard,
// GraphiQL under the strict CSP, and the exported HTML opened from file://
// with every request blocked. No page may request another origin.
// Screenshots go to HMKG_SCREENSHOTS.
//
//   HMKG_URL=http://127.0.0.1:8080 HMKG_API_KEY=... node --test e2e/stories.e2e.mjs

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
const KEY = process.env.HMKG_API_KEY ?? '';
const SHOTS = resolve(process.env.HMKG_SCREENSHOTS ?? 'test-output/dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
const ORIGIN = new URL(BASE).origin;
const STORY = 'e2e-act-up-chapters';
const TITLE = 'ACT UP and its chapters';
const CITED_REL = 'act-up-london:PART_OF:act-up';

mkdirSync(SHOTS, { recursive: true });

let context;
let page;
let profile;
let host;
let hostUrl;
let tmp;
/** Requests to any origin but the server's (and the embedding page's), and CSP reports. */
const foreign = [];
const problems = [];

async function gql(query, variables = {}, auth = false) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${KEY}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, `GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function shot(name, p = page) {
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function watch(p) {
  p.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('file:')) return;
    const o = new URL(u).origin;
    if (o !== ORIGIN && o !== hostUrl) foreign.push(u);
  });
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  p.on('pageerror', (e) => problems.push(String(e)));
}

async function stepReady(p, n) {
  await p.waitForFunction((want) => document.body.dataset.stepReady === want, String(n), { timeout: 20_000 });
}

describe('stories', () => {
  before(async () => {
    assert.ok(KEY, 'HMKG_API_KEY is set');
    tmp = mkdtempSync(join(tmpdir(), 'hmkg-stories-'));
    // The page of "another site" that embeds the story.
    host = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>A blog post</title></head><body style="font-family:sans-serif;max-width:900px;margin:20px auto">
<h1>A blog post that embeds an hmkg story</h1>
<iframe id="story" src="${BASE}/embed/s/${STORY}" width="860" height="520" title="${TITLE}" style="border:1px solid #ccc"></iframe>
<h2>The dashboard itself may not be framed</h2>
<iframe id="denied" src="${BASE}/s/${STORY}" width="400" height="120" title="not allowed"></iframe>
</body></html>`);
    });
    await new Promise((ok) => host.listen(0, '127.0.0.1', ok));
    hostUrl = `http://127.0.0.1:${host.address().port}`;
    assert.notEqual(hostUrl, ORIGIN);

    profile = mkdtempSync(join(tmpdir(), 'hmkg-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1366, height: 768 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    watch(page);

    // The story, through the API with the key (as a curator would).
    await gql(
      `mutation($in: StoryInput!) { upsertStory(input: $in) { id } }`,
      {
        in: {
          id: STORY,
          title: TITLE,
          summary: 'How ACT UP grew chapters and committees.',
          steps: [
            { title: 'ACT UP', view: { seeds: ['act-up'], depth: 1 }, caption: '**ACT UP** was founded in New York in 1987.', citedNodeIds: ['act-up'] },
            {
              title: 'London',
              view: { seeds: ['act-up-london'], depth: 1, highlightNodes: ['act-up'] },
              caption: 'ACT UP London calls itself *part of* the worldwide network.',
              citedRelationshipIds: [CITED_REL],
            },
            {
              title: 'Women',
              view: {
                seeds: ['act-up-womens-committee'],
                depth: 1,
                positions: [
                  { nodeId: 'act-up-womens-committee', x: 0, y: 0 },
                  { nodeId: 'act-up', x: 300, y: 40 },
                ],
              },
              caption: "The women's committee formed in 1990.", citedNodeIds: ['act-up-womens-committee'] },
          ],
        },
      },
      true,
    );
  });

  after(async () => {
    await context?.close();
    host?.close();
    for (const d of [profile, tmp]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('the start page introduces the graph, lists the stories, the movements and the tensions', async () => {
    await page.goto(BASE + '/');
    await page.locator('#start-stories a', { hasText: TITLE }).waitFor({ timeout: 10_000 });
    await page.locator('#start-tensions button').first().waitFor();
    assert.equal(await page.locator('#start-movements button').count(), 3);
    assert.deepEqual(await page.locator('#start-movements button').evaluateAll((b) => b.map((x) => x.dataset.id)), [
      'aids-movement',
      'breast-cancer-movement',
      'disability-rights-movement',
    ]);
    assert.equal(await page.locator('#start-tensions button').count(), 5);
    await shot('stories-start-page');
    // A movement opens with its neighbours.
    await page.locator('#start-movements button[data-id="aids-movement"]').click();
    await page.waitForFunction(() => window.hmkg.view.nodes.size > 1, null, { timeout: 10_000 });
    assert.equal(await page.locator('#empty').isVisible(), false);
  });

  test('the permalink opens the story in presentation mode and steps by keyboard', async () => {
    const res = await page.goto(`${BASE}/s/${STORY}`);
    assert.equal(res.status(), 200);
    await stepReady(page, 0);
    assert.equal(await page.locator('#story-h').textContent(), TITLE);
    assert.match(await page.locator('#story .caption').innerHTML(), /<strong>ACT UP<\/strong>/);
    assert.ok(await page.evaluate(() => window.hmkg.view.nodes.has('act-up')));
    await shot('stories-step-0');
    await page.locator('body').press('ArrowRight');
    await stepReady(page, 1);
    assert.equal(new URL(page.url()).pathname, `/s/${STORY}/1`);
    assert.match(await page.locator('#story .step-h').textContent(), /Step 2 of 3: London/);
    assert.ok(await page.evaluate((id) => window.hmkg.view.highlight.edges.has(id), CITED_REL));
    await page.locator('body').press('ArrowRight');
    await stepReady(page, 2);
    assert.equal(await page.locator('#story-next').isDisabled(), true);
    // The step's pinned positions are kept after the layout.
    const [a, b] = await page.evaluate(() => ['n:act-up-womens-committee', 'n:act-up'].map((id) => window.hmkg.cy.getElementById(id).position()));
    assert.deepEqual([b.x - a.x, b.y - a.y], [300, 40]);
    await page.locator('body').press('ArrowLeft');
    await stepReady(page, 1);
    await page.locator('#story-prev').click();
    await stepReady(page, 0);
    await page.locator('#story-next').click();
    await stepReady(page, 1);
    await shot('stories-step-1');
  });

  test("a citation opens its sources", async () => {
    const link = page.locator('#story .cite-link').first();
    assert.equal(await link.getAttribute('aria-expanded'), 'false');
    await link.click();
    assert.equal(await link.getAttribute('aria-expanded'), 'true');
    const sources = page.locator('#story .cite .sources a');
    assert.ok((await sources.count()) >= 1, 'the cited relationship lists its sources');
    assert.match(await sources.first().getAttribute('href'), /^https?:\/\//);
    await shot('stories-citation-sources');
  });

  test('the story page carries oEmbed discovery, and oEmbed answers with the iframe', async () => {
    const href = await page.locator('link[rel="alternate"][type="application/json+oembed"]').getAttribute('href');
    const o = await (await fetch(href)).json();
    assert.equal(o.type, 'rich');
    assert.equal(o.title, TITLE);
    assert.match(o.html, new RegExp(`^<iframe src="${ORIGIN}/embed/s/${STORY}(/\\d+)?" width="\\d+" height="\\d+"`));
  });

  test('the embed works in an iframe on another origin; the dashboard cannot be framed', async () => {
    await page.goto(hostUrl + '/');
    const frame = page.frameLocator('#story');
    await frame.locator('#embed-title', { hasText: TITLE }).waitFor({ timeout: 15_000 });
    const f = page.frames().find((x) => x.url().startsWith(`${ORIGIN}/embed/`));
    assert.ok(f, 'the embed frame loaded');
    await stepReady(f, 0);
    await frame.locator('#embed-next').click();
    await stepReady(f, 1);
    assert.match(await frame.locator('.caption').textContent(), /ACT UP London/);
    // The permalink page refuses to be framed (frame-ancestors 'none').
    await page.waitForTimeout(500);
    const denied = page.frames().find((x) => x !== page.mainFrame() && x !== f);
    assert.ok(denied);
    assert.equal(await denied.locator('#story-h').count().catch(() => 0), 0, 'the dashboard did not render in a frame');
    await shot('stories-embedded');
  });

  test('changing a cited fact marks the story and only the citing step stale', async () => {
    await gql(
      `mutation($in: RelationshipInput!) { upsertRelationship(input: $in) { id } }`,
      {
        in: {
          id: CITED_REL,
          type: 'PART_OF',
          from: 'act-up-london',
          to: 'act-up',
          summary: 'Changed by the end-to-end test.',
          sourceIds: ['actuplondon-thinkin-2016', 'bishopsgate-actuplondon'],
        },
      },
      true,
    );
    await page.goto(`${BASE}/s/${STORY}/1`);
    await stepReady(page, 1);
    await page.locator('.stale-mark[data-stale="story"]').waitFor();
    await page.locator('.stale-mark[data-stale="step"]', { hasText: CITED_REL }).waitFor();
    await shot('stories-stale');
    await page.locator('body').press('ArrowRight');
    await stepReady(page, 2);
    assert.equal(await page.locator('.stale-mark[data-stale="step"]').count(), 0, 'the step that does not cite it is not stale');
  });

  test('an editor saves the view as a story step from the dashboard, twice', async () => {
    const saved = 'e2e-saved-view';
    await page.goto(BASE + '/');
    await page.locator('#start-movements button[data-id="aids-movement"]').click();
    await page.waitForFunction(() => window.hmkg.view.nodes.size > 1, null, { timeout: 10_000 });
    await page.locator('#save-story summary').click();
    const save = async (caption, cite) => {
      await page.locator('#save-story-id').fill(saved);
      await page.locator('#save-step-caption').fill(caption);
      const options = await page.locator('#save-step-cite option').evaluateAll((os) => os.map((o) => o.value));
      await page.locator('#save-step-cite').selectOption(options.find(cite));
      await page.locator('#save-story-key').fill(KEY);
      await page.locator('#save-story-go').click();
      await page.locator('#save-story-link').waitFor({ timeout: 15_000 });
      return page.locator('#save-story-link').getAttribute('href');
    };
    await page.locator('#save-story-title').fill('A view saved from the dashboard');
    assert.equal(await save('The **AIDS movement**, as the dashboard showed it.', (v) => v === 'n:aids-movement'), `/s/${saved}/0`);
    await shot('stories-saved-from-dashboard');
    assert.equal(await save('One of its relationships.', (v) => v.startsWith('r:')), `/s/${saved}/1`);
    await page.goto(`${BASE}/s/${saved}/1`);
    await stepReady(page, 1);
    assert.match(await page.locator('#story .step-h').textContent(), /Step 2 of 2/);
    assert.equal(await page.locator('#story-h').textContent(), 'A view saved from the dashboard');
    await page.locator('#story-prev').click();
    await stepReady(page, 0);
    assert.match(await page.locator('#story .caption').innerHTML(), /<strong>AIDS movement<\/strong>/);
    assert.equal(await page.locator('#story .stale-mark').count(), 0);
  });

  test('GraphiQL loads from the server under the strict CSP', async () => {
    const res = await page.goto(BASE + '/graphiql');
    assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
    await page.locator('.graphiql-query-editor', { hasText: 'query Start' }).waitFor({ timeout: 20_000 });
    // The editor may still be starting on a busy machine: click again until the answer shows.
    const result = page.locator('.result-window', { hasText: 'datasetName' });
    for (let i = 0; i < 4 && !(await result.isVisible()); i++) {
      await page.locator('.graphiql-execute-button').click();
      await result.waitFor({ timeout: 8_000 }).catch(() => {});
    }
    await result.waitFor({ timeout: 1_000 });
    await shot('stories-graphiql');
  });

  test('no page requested another origin or broke the CSP', () => {
    assert.deepEqual(foreign, []);
    // The one refusal expected: the permalink page framed by the blog.
    const denied = problems.filter((p) => /^Framing '.*' violates .*frame-ancestors 'none'/.test(p));
    assert.equal(denied.length, 1, `the dashboard refused to be framed: ${problems.join(' | ')}`);
    assert.deepEqual(problems.filter((p) => !denied.includes(p)), []);
  });

  test('the exported story opens from file:// with every request blocked', async () => {
    const res = await fetch(`${BASE}/s/${STORY}/export.html`);
    assert.equal(res.status, 200);
    const file = join(tmp, `${STORY}.html`);
    writeFileSync(file, await res.text());
    const offline = await context.newPage();
    const requests = [];
    await offline.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    offline.on('request', (r) => requests.push(r.url()));
    const errors = [];
    offline.on('pageerror', (e) => errors.push(String(e)));
    offline.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await offline.goto(pathToFileURL(file).href);
    await offline.locator('#story h1', { hasText: TITLE }).waitFor();
    assert.equal(await offline.locator('svg circle').count() > 1, true, 'the step graph is drawn');
    assert.match(await offline.locator('.text').innerHTML(), /<strong>ACT UP<\/strong>/);
    await offline.locator('body').press('ArrowRight');
    await offline.waitForFunction(() => document.body.dataset.step === '1');
    await offline.locator('.stale').first().waitFor();
    await offline.locator('details summary').first().click();
    assert.ok((await offline.locator('.sources a').count()) >= 1);
    await shot('stories-export-offline', offline);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), []);
    assert.deepEqual(errors, []);
    await offline.close();
  });

  // Last: the export above needs the stale step.
  test("an editor accepts the stale step's current evidence", async () => {
    await page.goto(`${BASE}/s/${STORY}/1`);
    await stepReady(page, 1);
    await page.locator('#accept-key').fill(KEY);
    await page.locator('#accept-step').click();
    await page.locator('#story .stale-mark').first().waitFor({ state: 'detached', timeout: 15_000 });
    await stepReady(page, 1);
    assert.equal(await page.locator('#story .stale-mark').count(), 0, 'neither the step nor the story is stale');
  });
});
