// stories/present.ts: the dashboard's presentation mode for /s/<id>[/<step>].
// The story's panel sits above the details, beside the graph: the step's
// caption, its citations (each opens its sources), the stale mark and what
// changed, previous/next (buttons and the ← → keys), and how to share it
// (permalink, embed snippet, oEmbed, the offline export).

import type { App } from '../app';
import { $, button, el, sourceList } from '../dom';
import { nid } from '../graphview';
import { addElements, clearView, KINDS, REL_TYPES, type Kind, type RelType } from '../state';
import { relLabel } from '../vocab';
import { changeText, embedSnippet, loadStory, stepGraph, storyPath, type StepData, type StoryData } from './load';
import { acceptStep, apiKey } from './save';
import './stories.css';

export interface Presentation {
  /** active is true on a story permalink. */
  readonly active: boolean;
  /** start loads the story and shows the step in the path. */
  start(): Promise<void>;
}

export function mountPresentation(app: App): Presentation {
  const where = storyPath(location.pathname);
  if (!where || location.pathname.startsWith('/embed/')) return { active: false, start: async () => {} };
  const { view } = app;
  const panel = el('section', { id: 'story', className: 'story-panel' });
  panel.setAttribute('aria-labelledby', 'story-h');
  panel.append(el('h2', { id: 'story-h' }, 'Story'), el('p', { className: 'muted' }, 'Loading the story…'));
  $('details').before(panel);
  document.body.classList.add('presenting');

  let story: StoryData | null = null;
  let current = 0;
  let seq = 0;

  async function show(i: number): Promise<void> {
    if (!story) return;
    current = Math.max(0, Math.min(i, story.steps.length - 1));
    const step = story.steps[current];
    const mine = ++seq;
    renderPanel(story, step);
    history.replaceState(null, '', `/s/${story.id}/${current}`);
    document.body.dataset.step = String(current);
    if (!step) return;
    const g = await app.run('Loading this step of the story', () => stepGraph(step), () => void show(current));
    if (!g || mine !== seq) return;
    clearView(view);
    addElements(view, g.nodes, g.edges);
    const v = step.view;
    view.year = v.asOf ?? null;
    view.hiddenKinds = new Set(v.kinds.length > 0 ? KINDS.filter((k) => !v.kinds.includes(k)) : []) as Set<Kind>;
    view.hiddenTypes = new Set(v.types.length > 0 ? REL_TYPES.filter((t) => !v.types.includes(t)) : []) as Set<RelType>;
    view.highlight = {
      nodes: new Set([...v.highlightNodes, ...step.citedNodeIds]),
      edges: new Set([...v.highlightRelationships, ...step.citedRelationshipIds]),
    };
    app.renderYear();
    app.render({ layout: true, randomize: true });
    // Once every layout has come to rest, the author's pinned positions win.
    while (document.body.dataset.layout === 'running') {
      await new Promise((ok) => setTimeout(ok, 50));
      if (mine !== seq) return;
    }
    if (v.positions.length > 0) {
      for (const p of v.positions) app.cy.getElementById(nid(p.nodeId)).position({ x: p.x, y: p.y });
      app.cy.fit(undefined, 30);
    }
    document.body.dataset.stepReady = String(current);
  }

  function citation(label: string, sources: StepData['citedNodes'][number]['sources'], onOpen: () => void): HTMLElement {
    const li = el('li', { className: 'cite' });
    const list = sourceList(sources);
    list.hidden = true;
    const a = el('a', { href: '#', className: 'cite-link' }, label);
    a.setAttribute('aria-expanded', 'false');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      list.hidden = !list.hidden;
      a.setAttribute('aria-expanded', String(!list.hidden));
      if (!list.hidden) onOpen();
    });
    li.append(a, list);
    return li;
  }

  function renderPanel(s: StoryData, step: StepData | undefined): void {
    const head = [el('h2', { id: 'story-h' }, s.title), el('p', { className: 'muted small' }, `By ${s.author} · version ${s.version} · updated ${s.updatedAt.slice(0, 10)}`)];
    if (s.stale) {
      const mark = el('p', { className: 'stale-mark', role: 'status' }, 'Stale: some evidence this story cites has changed since it was written.');
      mark.dataset.stale = 'story';
      head.push(mark);
    }
    if (!step) {
      panel.replaceChildren(...head, el('p', {}, 'This story has no steps.'));
      return;
    }
    const n = s.steps.length;
    const body: HTMLElement[] = [el('h3', { className: 'step-h' }, `Step ${current + 1} of ${n}${step.title ? `: ${step.title}` : ''}`)];
    if (step.stale) {
      const mark = el('div', { className: 'stale-mark', role: 'status' }, el('strong', {}, 'This step is stale. '));
      mark.dataset.stale = 'step';
      for (const c of step.changes) mark.append(el('span', {}, `${changeText(c)} `));
      if (!step.changes.some((c) => c.what === 'DELETED')) mark.append(acceptForm(s, current));
      body.push(mark);
    }
    const caption = el('div', { className: 'caption' });
    caption.innerHTML = step.captionHtml; // sanitised by the server (StoryStep.captionHtml)
    body.push(caption);
    const cites = el('ul', { className: 'cites' });
    for (const c of step.citedNodes) cites.append(citation(c.name, c.sources, () => app.select(c.id)));
    for (const r of step.citedRelationships) {
      cites.append(citation(`${r.from.name} ${relLabel(r.type as RelType)} ${r.to.name}${r.year ? ` (${r.year})` : ''}`, r.sources, () => app.selectEdge(r.id)));
    }
    body.push(el('h4', {}, 'Evidence'), cites);
    const prev = button('← Previous', () => void show(current - 1), { id: 'story-prev', 'aria-keyshortcuts': 'ArrowLeft' });
    const next = button('Next →', () => void show(current + 1), { id: 'story-next', 'aria-keyshortcuts': 'ArrowRight' });
    prev.disabled = current === 0;
    next.disabled = current >= n - 1;
    body.push(el('nav', { className: 'row story-nav', ariaLabel: 'Story steps' }, prev, next));
    body.push(shareBox(s));
    panel.replaceChildren(...head, ...body);
  }

  /** acceptForm lets an editor accept the step's current evidence (with an API key kept in this tab). */
  function acceptForm(s: StoryData, i: number): HTMLElement {
    const key = el('input', { type: 'password', id: 'accept-key', autocomplete: 'off', value: apiKey(), placeholder: 'API key' });
    key.setAttribute('aria-label', 'API key');
    const form = el('form', { className: 'row accept' }, key, el('button', { type: 'submit', id: 'accept-step' }, 'Accept the current evidence'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void app.run('Accepting the step', () => acceptStep(s.id, i, key.value.trim())).then(async (done) => {
        if (done === undefined) return;
        const again = await app.run('Loading the story', () => loadStory(s.id));
        if (!again) return;
        story = again;
        await show(i);
      });
    });
    return form;
  }

  function shareBox(s: StoryData): HTMLElement {
    const origin = location.origin;
    const link = `${origin}/s/${s.id}/${current}`;
    const snippet = el('textarea', { className: 'snippet', readOnly: true, rows: 3, value: embedSnippet(origin, s.id, s.title) });
    snippet.setAttribute('aria-label', 'Embed code');
    return el(
      'details',
      { className: 'share' },
      el('summary', {}, 'Share, embed, export'),
      el('p', {}, 'Link to this step: ', el('a', { href: link }, link)),
      el('p', {}, 'Embed in a web page (or paste the link into a CMS that reads oEmbed):'),
      snippet,
      el('p', {}, el('a', { href: `/s/${s.id}/export.html`, download: `hmkg-story-${s.id}.html`, id: 'story-export' }, 'Download as one HTML file'), ' (works offline)'),
    );
  }

  document.addEventListener('keydown', (e) => {
    if (!story || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target as HTMLElement | null;
    // The graph drawing pans with the arrow keys, and form fields keep theirs.
    if (t && (t.closest('input, select, textarea, [contenteditable]') || t.id === 'cy')) return;
    if (e.key === 'ArrowRight') void show(current + 1);
    else if (e.key === 'ArrowLeft') void show(current - 1);
    else return;
    e.preventDefault();
  });

  async function start(): Promise<void> {
    const s = await app.run('Loading the story', () => loadStory(where!.id), () => void start());
    if (s === undefined) return;
    if (s === null) {
      panel.replaceChildren(el('h2', { id: 'story-h' }, 'No such story'), el('p', {}, `There is no story “${where!.id}”. `, el('a', { href: '/' }, 'Start page')));
      return;
    }
    story = s;
    document.title = `${s.title} · hmkg story`;
    await show(where!.step);
  }

  return { active: true, start };
}
