// End-to-end tests of the researcher's lens (issue 12) in Debian's Chromium,
// driven by playwright-core against a real `hmkg serve` holding the curated
// dataset at HMKG_URL: the overview of the whole graph (communities as
// clusters, sizes by metric, legend, labels for the most central only), the
// tensions panel (a click on a bar lists its episodes with their sources),
// the compare view, and "Analyse view" on a small view. Screenshots go to
// HMKG_SCREENSHOTS (default test-output/dashboard).
//
//   HMKG_URL=http://127.0.0.1:8080 node --test e2e/lens.e2e.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';

const BASE = process.env.HMKG_URL ?? 'http://127.0.0.1:8080';
const SHOTS = resolve(process.env.HMKG_SCREENSHOTS ?? 'test-output/dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

mkdirSync(SHOTS, { recursive: true });

let context;
let page;
let profile;
const consoleErrors = [];

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function settle() {
  await page.waitForTimeout(450);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && document.body.dataset.layout === 'idle', null, {
    timeout: 60_000,
  });
}

/** gql asks the server under test directly, to check what the page shows against the API. */
async function gql(query, variables = {}) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

describe('the lens', () => {
  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'hmkg-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1366, height: 768 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('overview: the whole graph, communities as clusters, sized by PageRank, with a legend', async () => {
    await page.goto(BASE + '/');
    await page.locator('#dataset', { hasText: 'nodes' }).waitFor({ timeout: 10_000 });
    const want = await gql('{ stats { nodeCount } analysis { communities { index label size } } }');
    await page.getByRole('button', { name: 'Overview' }).click();
    await settle();
    await page.locator('#lens-legend .lens-legend li').first().waitFor({ timeout: 60_000 });

    const st = await page.evaluate(() => {
      const cy = window.hmkg.cy;
      const nodes = cy.nodes(':visible');
      const byComm = new Map();
      nodes.forEach((n) => {
        const c = n.data('lensColour');
        const p = n.position();
        byComm.set(c, [...(byComm.get(c) ?? []), p]);
      });
      return {
        drawn: nodes.length,
        coloured: cy.nodes('.lens-coloured').length,
        sized: cy.nodes('.lens-sized').length,
        sizes: [...new Set(cy.nodes('.lens-sized').map((n) => n.data('lensSize')))].length,
        labelled: cy.nodes('.lens-label').length,
        quiet: cy.nodes('.lens-quiet').length,
        // Mean distance of nodes to their own community's centre vs. to the centre of all.
        spread: (() => {
          let own = 0;
          let all = 0;
          let n = 0;
          const everything = nodes.map((x) => x.position());
          const cx = everything.reduce((s, p) => s + p.x, 0) / everything.length;
          const cyy = everything.reduce((s, p) => s + p.y, 0) / everything.length;
          for (const ps of byComm.values()) {
            const mx = ps.reduce((s, p) => s + p.x, 0) / ps.length;
            const my = ps.reduce((s, p) => s + p.y, 0) / ps.length;
            for (const p of ps) {
              own += Math.hypot(p.x - mx, p.y - my);
              all += Math.hypot(p.x - cx, p.y - cyy);
              n++;
            }
          }
          return { own: own / n, all: all / n };
        })(),
        legend: [...document.querySelectorAll('#lens-legend .lens-legend li .name')].map((e) => e.textContent),
      };
    });
    assert.equal(st.drawn, want.stats.nodeCount, 'the whole graph is drawn');
    assert.equal(st.coloured, st.drawn, 'every node coloured by its community');
    assert.equal(st.sized, st.drawn, 'every node sized by the metric');
    assert.ok(st.sizes > 5, `sizes vary with PageRank (${st.sizes} distinct)`);
    assert.ok(st.labelled >= 10 && st.labelled <= 25 + 12, `only the most central keep a label (${st.labelled})`);
    assert.equal(st.labelled + st.quiet, st.drawn);
    assert.ok(st.spread.own < st.spread.all / 2, `communities are clustered: ${JSON.stringify(st.spread)}`);
    // The legend names the largest communities as the API labels them, largest first.
    assert.deepEqual(st.legend.slice(0, 3), want.analysis.communities.slice(0, 3).map((c) => c.label));
    assert.match(await page.locator('#lens-legend').textContent(), /modularity 0\.\d{3}/);

    // Hovering a quiet node shows its label.
    const quietId = await page.evaluate(() => window.hmkg.cy.nodes('.lens-quiet')[0].id());
    await page.evaluate((id) => window.hmkg.cy.getElementById(id).emit('mouseover'), quietId);
    assert.equal(await page.evaluate((id) => window.hmkg.cy.getElementById(id).style('label') !== '', quietId), true);
    await page.evaluate((id) => window.hmkg.cy.getElementById(id).emit('mouseout'), quietId);

    // Another metric resizes the nodes.
    const before = await page.evaluate(() => window.hmkg.cy.nodes().map((n) => n.data('lensSize')).join(','));
    await page.getByLabel('Size nodes by').selectOption('betweenness');
    const afterSizes = await page.evaluate(() => window.hmkg.cy.nodes().map((n) => n.data('lensSize')).join(','));
    assert.notEqual(afterSizes, before);
    await page.getByLabel('Size nodes by').selectOption('pageRank');
    await shot('20-lens-overview');
  });

  test('tensions panel: a click on a bar lists its episodes with their sources', async () => {
    await page.getByRole('button', { name: 'Tensions' }).click();
    const panel = page.getByRole('region', { name: 'Tensions: episodes per decade' });
    await panel.locator('figure.tension').first().waitFor({ timeout: 30_000 });
    const figures = await panel.locator('figure.tension').count();
    const tensions = await gql('{ tensionMatrix { tension { id } } }');
    assert.equal(figures, new Set(tensions.tensionMatrix.map((c) => c.tension.id)).size, 'one chart per tension');
    assert.equal(await panel.locator('fieldset.movements input:checked').count(), 3, 'the three movements with most episodes are chosen');

    // The tallest bar of the first chart.
    const bar = panel.locator('figure.tension').first().locator('.bar').first();
    const label = await bar.getAttribute('aria-label');
    const m = /^(.*), (\d{4}s|undated): (\d+) episodes? of (.*)$/.exec(label);
    assert.ok(m, `bar named "${label}"`);
    await bar.click();
    const box = page.locator('#tensions-episodes');
    await box.locator('ol.episodes li').first().waitFor();
    assert.equal(await box.locator('ol.episodes > li').count(), Number(m[3]), 'as many episodes listed as the bar counts');
    assert.match(await box.locator('h3').textContent(), new RegExp(`${m[2]}: ${m[3]} episode`));
    const links = box.locator('ol.episodes .sources a');
    assert.ok((await links.count()) >= 1, 'episodes come with their sources');
    assert.match(await links.first().getAttribute('href'), /^https?:\/\//);
    assert.equal(await links.first().getAttribute('target'), '_blank');

    // The same numbers as the API's matrix for that cell.
    const movementName = m[1];
    const cells = await gql('{ tensionMatrix { movement { name } tension { name } decade count episodes { id } } }');
    const decade = m[2] === 'undated' ? null : Number(m[2].slice(0, 4));
    const cell = cells.tensionMatrix.find((c) => c.movement.name === movementName && c.tension.name === m[4] && c.decade === decade);
    assert.ok(cell, 'the bar is a cell of the matrix');
    assert.deepEqual(await box.locator('ol.episodes > li').evaluateAll((lis) => lis.map((l) => l.dataset.episode)), cell.episodes.map((e) => e.id));

    // Keyboard: Enter on another bar lists that cell.
    const other = panel.locator('.bar').nth(1);
    await other.focus();
    await page.keyboard.press('Enter');
    assert.equal(await panel.locator('.bar.chosen').getAttribute('aria-label'), await other.getAttribute('aria-label'));

    // Another movement adds a series.
    const unchecked = panel.locator('fieldset.movements input:not(:checked)').first();
    const barsBefore = await panel.locator('.bar').count();
    await unchecked.check();
    assert.ok((await panel.locator('.bar').count()) > barsBefore);
    await bar.click();
    await shot('21-lens-tensions');
    await page.getByRole('button', { name: 'Close the tensions panel' }).click();
    assert.equal(await panel.isVisible(), false);
  });

  test('compare view: two movements side by side', async () => {
    await page.getByRole('button', { name: 'Compare movements' }).click();
    const panel = page.getByRole('region', { name: 'Compare two movements' });
    await panel.getByLabel('Movement A').locator('option').first().waitFor({ state: 'attached', timeout: 10_000 });
    await panel.getByLabel('Movement A').selectOption('aids-movement');
    await panel.getByLabel('Movement B').selectOption('breast-cancer-movement');
    await panel.getByRole('button', { name: 'Compare', exact: true }).click();
    await panel.locator('table.profile').waitFor({ timeout: 20_000 });

    const want = (
      await gql(
        `{ compareMovements(a: "aids-movement", b: "breast-cancer-movement") {
          a { tensions { tension { name } count } timeline { id } } b { tensions { tension { name } count } timeline { id } }
          sharedInstitutions { name } sharedOrganisations { name } } }`,
      )
    ).compareMovements;
    assert.match(await panel.locator('.shared-grid h3').first().textContent(), new RegExp(`Shared institutions \\(${want.sharedInstitutions.length}\\)`));
    const shared = await panel.locator('.shared-grid section').first().locator('li').allTextContents();
    assert.deepEqual(shared, want.sharedInstitutions.map((n) => n.name));
    assert.ok(shared.length > 0, 'AIDS and breast cancer activism share institutions');
    // Tension profiles: one row per tension of either, with both counts.
    const rows = await panel.locator('table.profile tr').evaluateAll((trs) =>
      trs.slice(1).map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    );
    const tensionNames = new Set([...want.a.tensions, ...want.b.tensions].map((t) => t.tension.name));
    assert.equal(rows.length, tensionNames.size);
    for (const [name, a, b] of rows) {
      assert.equal(Number(a), want.a.tensions.find((t) => t.tension.name === name)?.count ?? 0, `${name} for A`);
      assert.equal(Number(b), want.b.tensions.find((t) => t.tension.name === name)?.count ?? 0, `${name} for B`);
    }
    // Timelines: every dated relationship of each side, by decade.
    const counts = await panel.locator('table.timeline tr').evaluateAll((trs) =>
      trs.slice(1).reduce((s, tr) => [s[0] + tr.children[1].querySelectorAll('li').length, s[1] + tr.children[2].querySelectorAll('li').length], [0, 0]),
    );
    assert.deepEqual(counts, [want.a.timeline.length, want.b.timeline.length]);
    await shot('22-lens-compare');

    // The same movement twice is refused with a clear message.
    await panel.getByLabel('Movement B').selectOption('aids-movement');
    await panel.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.locator('#alert-text', { hasText: 'two different movements' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    await page.getByRole('button', { name: 'Close the compare view' }).click();
  });

  test('analyse a small view: sizes and community colours from the view alone', async () => {
    await page.goto(`${BASE}/?n=act-up,aids-movement,fda,gmhc`);
    await page.evaluate(() => window.hmkg.ready);
    await settle();
    const ids = await page.evaluate(() => [...window.hmkg.view.nodes.keys()]);
    assert.ok(ids.length >= 3, `view restored (${ids})`);
    await page.getByRole('button', { name: 'Analyse view' }).click();
    await page.locator('#lens-legend', { hasText: 'This view' }).waitFor({ timeout: 20_000 });
    const want = await gql('query($s:[ID!]){ analysis(seeds:$s, depth:0) { nodeCount communities { index } } }', { s: ids });
    assert.match(await page.locator('#lens-legend').textContent(), new RegExp(`This view: ${want.analysis.nodeCount} nodes, ${want.analysis.communities.length} communit`));
    const st = await page.evaluate(() => ({ sized: window.hmkg.cy.nodes('.lens-sized').length, quiet: window.hmkg.cy.nodes('.lens-quiet').length }));
    assert.equal(st.sized, ids.length);
    assert.equal(st.quiet, 0, 'a small view keeps every label');

    // Selecting a node shows its figures in this view, as the API gives them.
    await page.locator('#view-list').selectOption('act-up');
    await page.locator('#lens-legend dl.lens-node').waitFor({ timeout: 10_000 });
    const fig = await gql('query($s:[ID!]){ analysis(seeds:$s, depth:0) { nodes { node { id } degree pageRank } } }', { s: ids });
    const mine = fig.analysis.nodes.find((n) => n.node.id === 'act-up');
    const shown = await page.locator('#lens-legend dl.lens-node').evaluate((dl) => {
      const out = {};
      const dts = dl.querySelectorAll('dt');
      for (const dt of dts) out[dt.textContent] = dt.nextElementSibling.textContent;
      return out;
    });
    assert.equal(shown.Degree, String(mine.degree));
    assert.equal(shown.PageRank, mine.pageRank.toPrecision(3));
    assert.deepEqual(consoleErrors, [], 'no console errors');
  });
});
