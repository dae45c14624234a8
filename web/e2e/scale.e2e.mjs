// Scale check of the dashboard: 1,000 nodes on screen, in Debian's Chromium,
// against a `hmkg serve` holding a synthetic graph (hmkg gen) at HMKG_URL.
// It asserts behaviour (everything drawn, filters and the year applied over
// the whole view, panning works) and prints timings and frame rates for the
// report; it makes no assertion on time, which depends on the machine.

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
const WANT = Number(process.env.HMKG_SCALE_NODES ?? 1000);

mkdirSync(SHOTS, { recursive: true });

let context;
let page;
let profile;

async function settle() {
  await page.waitForTimeout(450);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && document.body.dataset.layout === 'idle', null, {
    timeout: 120_000,
  });
}

/** fps counts animation frames over `ms` while `during` runs in the page. */
async function fps(ms, during) {
  return page.evaluate(
    async ([ms, during]) => {
      let frames = 0;
      let worst = 0;
      let last = performance.now();
      let stop = false;
      const tick = (t) => {
        frames++;
        worst = Math.max(worst, t - last);
        last = t;
        if (!stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const cy = window.hmkg.cy;
      const start = performance.now();
      while (performance.now() - start < ms) {
        if (during === 'pan') cy.panBy({ x: 7, y: 3 });
        else if (during === 'zoom') cy.zoom({ level: cy.zoom() * 1.01, renderedPosition: { x: 300, y: 300 } });
        await new Promise((r) => setTimeout(r, 16));
      }
      stop = true;
      return { fps: Math.round((frames * 1000) / (performance.now() - start)), worstFrameMs: Math.round(worst) };
    },
    [ms, during],
  );
}

describe(`dashboard with ${WANT} nodes`, () => {
  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'hmkg-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1366, height: 768 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('draws, filters and pans a 1,000-node view', async () => {
    await page.goto(BASE + '/');
    const ids = await page.evaluate(async (want) => {
      const out = [];
      let after = null;
      while (out.length < want) {
        const res = await fetch('/graphql', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            query: 'query($a:String){nodes(first:500, after:$a){nodes{id} pageInfo{hasNextPage endCursor}}}',
            variables: { a: after },
          }),
        });
        const d = (await res.json()).data.nodes;
        out.push(...d.nodes.map((n) => n.id));
        if (!d.pageInfo.hasNextPage) break;
        after = d.pageInfo.endCursor;
      }
      return out.slice(0, want);
    }, WANT);
    assert.equal(ids.length, WANT, 'the server holds enough nodes');

    // Open the view from a shared URL, with the default force-directed layout.
    let t = Date.now();
    await page.goto(`${BASE}/?n=${ids.map(encodeURIComponent).join(',')}`);
    await page.evaluate(() => window.hmkg.ready);
    await settle();
    const loadMs = Date.now() - t;
    const drawn = await page.evaluate(() => ({
      nodes: window.hmkg.cy.nodes(':visible').length,
      edges: window.hmkg.cy.edges(':visible').length,
      model: window.hmkg.view.edges.size,
    }));
    assert.equal(drawn.nodes, WANT);
    assert.ok(drawn.edges > 0 && drawn.edges === drawn.model, `all ${drawn.model} relationships drawn (${drawn.edges})`);
    assert.equal(await page.getByRole('alert').isVisible(), false);
    await page.screenshot({ path: join(SHOTS, '10-scale-1000.png') });

    // One filter change over the whole view.
    t = Date.now();
    const kind = await page.evaluate(() => [...window.hmkg.view.nodes.values()][0].kind);
    await page.locator(`#kinds input[data-kind="${kind}"]`).uncheck();
    const filterMs = Date.now() - t;
    const hidden = await page.evaluate((k) => window.hmkg.cy.nodes('.hidden').filter((n) => n.data('kind') === k).length, kind);
    assert.ok(hidden > 0);
    assert.equal(await page.evaluate((k) => window.hmkg.cy.nodes(':visible').filter((n) => n.data('kind') === k).length, kind), 0);
    await page.locator(`#kinds input[data-kind="${kind}"]`).check();

    // The year slider over the whole view: hides later nodes, re-queries relationships.
    t = Date.now();
    await page.getByRole('checkbox', { name: 'All years' }).uncheck();
    await page.locator('#year').fill('1990');
    await settle();
    const yearMs = Date.now() - t;
    const late = await page.evaluate(() =>
      window.hmkg.cy.nodes(':visible').filter((n) => {
        const m = window.hmkg.view.nodes.get(n.data('ref'));
        return m.year !== null && m.year > 1990;
      }).length,
    );
    assert.equal(late, 0, 'no node from after 1990 is drawn');

    // Panning and zooming keep the page painting.
    const pan = await fps(1500, 'pan');
    const zoom = await fps(1500, 'zoom');
    assert.ok(pan.fps > 0 && zoom.fps > 0);
    console.log(
      `# ${WANT} nodes, ${drawn.edges} relationships: open+layout ${loadMs} ms, kind filter ${filterMs} ms, year change ${yearMs} ms, ` +
        `pan ${pan.fps} fps (worst frame ${pan.worstFrameMs} ms), zoom ${zoom.fps} fps (worst frame ${zoom.worstFrameMs} ms)`,
    );
  });
});
