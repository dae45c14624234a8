// stories/embed.ts: the chrome-less story page served at /embed/s/<id>[/<step>]
// for <iframe>s: title, the step's graph, its caption and evidence, and
// previous/next (buttons and ← →). Fits any frame width: the caption goes
// under the graph in narrow frames.

import type cytoscape from 'cytoscape';
import { el, sourceList } from '../dom';
import { createCy, eid, nid } from '../graphview';
import { changeText, loadStory, stepGraph, storyPath, type StoryData } from './load';
import './embed.css';

const where = storyPath(location.pathname);
const title = document.getElementById('embed-title')!;
const caption = document.getElementById('embed-caption')!;
const open = document.getElementById('embed-open') as HTMLAnchorElement;
const cy: cytoscape.Core = createCy(document.getElementById('embed-cy')!);
cy.userZoomingEnabled(false);
let story: StoryData | null = null;
let current = 0;
let seq = 0;

async function show(i: number): Promise<void> {
  if (!story) return;
  current = Math.max(0, Math.min(i, story.steps.length - 1));
  const step = story.steps[current];
  const mine = ++seq;
  open.href = `/s/${story.id}/${current}`;
  open.hidden = false;
  document.body.dataset.step = String(current);
  if (!step) {
    caption.replaceChildren(el('p', {}, 'This story has no steps.'));
    return;
  }
  const n = story.steps.length;
  const prev = el('button', { type: 'button', id: 'embed-prev', disabled: current === 0 }, '←');
  const next = el('button', { type: 'button', id: 'embed-next', disabled: current >= n - 1 }, '→');
  prev.setAttribute('aria-label', 'Previous step');
  next.setAttribute('aria-label', 'Next step');
  prev.addEventListener('click', () => void show(current - 1));
  next.addEventListener('click', () => void show(current + 1));
  const text = el('div', { className: 'caption' });
  text.innerHTML = step.captionHtml; // sanitised by the server
  const parts: HTMLElement[] = [el('nav', { className: 'embed-nav' }, prev, el('span', {}, `${current + 1} / ${n}`), next)];
  if (step.title) parts.push(el('h2', {}, step.title));
  if (step.stale) {
    const mark = el('p', { className: 'stale-mark' }, el('strong', {}, 'Stale. '), step.changes.map(changeText).join(' '));
    mark.dataset.stale = 'step';
    parts.push(mark);
  }
  parts.push(text);
  const ev = el('details', {}, el('summary', {}, 'Evidence'));
  for (const c of step.citedNodes) ev.append(el('p', {}, el('strong', {}, c.name)), sourceList(c.sources));
  for (const r of step.citedRelationships) ev.append(el('p', {}, el('strong', {}, `${r.from.name} → ${r.to.name}`)), sourceList(r.sources));
  parts.push(ev);
  caption.replaceChildren(...parts);

  const g = await stepGraph(step).catch(() => null);
  if (mine !== seq) return;
  if (!g) {
    caption.append(el('p', { role: 'alert' }, 'The graph of this step could not be loaded.'));
    return;
  }
  const hiN = new Set([...step.view.highlightNodes, ...step.citedNodeIds]);
  const hiE = new Set([...step.view.highlightRelationships, ...step.citedRelationshipIds]);
  cy.batch(() => {
    cy.elements().remove();
    cy.add(g.nodes.map((x) => ({ group: 'nodes' as const, data: { id: nid(x.id), ref: x.id, name: x.name, kind: x.kind }, classes: hiN.has(x.id) ? 'path' : '' })));
    cy.add(
      g.edges.map((e) => ({ group: 'edges' as const, data: { id: eid(e.id), source: nid(e.from), target: nid(e.to) }, classes: hiE.has(e.id) ? 'path' : '' })),
    );
  });
  cy.layout({ name: 'fcose', animate: false, randomize: true, fit: true, padding: 20 } as cytoscape.LayoutOptions).run();
  if (step.view.positions.length > 0) {
    // The author's pinned positions win over the layout.
    for (const p of step.view.positions) cy.getElementById(nid(p.nodeId)).position({ x: p.x, y: p.y });
    cy.fit(undefined, 20);
  }
  document.body.dataset.stepReady = String(current);
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight') void show(current + 1);
  else if (e.key === 'ArrowLeft') void show(current - 1);
});

async function start(): Promise<void> {
  if (!where) {
    title.textContent = 'Not a story address';
    return;
  }
  try {
    story = await loadStory(where.id);
  } catch {
    title.textContent = 'The story could not be loaded.';
    return;
  }
  if (!story) {
    title.textContent = 'No such story';
    return;
  }
  title.textContent = story.title;
  if (story.stale) title.append(el('span', { className: 'stale-mark small' }, ' stale'));
  await show(where.step);
}
void start();
