// stories/save.ts: an editor saves the dashboard's view as a step of a story
// (the "Save view as a story step" form under "In view"), and accepts a
// stale step's current evidence in presentation mode. Both go through the
// API with the editor's key, which stays in this tab (sessionStorage) and
// is sent only to this server's /graphql.

import type { App } from '../app';
import { ApiError } from '../api';
import { $, el } from '../dom';
import { nid } from '../graphview';
import { KINDS, REL_TYPES, visible, type View } from '../state';
import { relLabel } from '../vocab';
import { loadStory, type StepData, type StoryData } from './load';

const KEY_ITEM = 'hmkg-api-key';
/** The server's bounds (graph/story.go). */
const MAX_SEEDS = 50;
const MAX_POSITIONS = 2000;

/** apiKey is the key kept in this tab, or ''. */
export function apiKey(): string {
  try {
    return sessionStorage.getItem(KEY_ITEM) ?? '';
  } catch {
    return '';
  }
}

function keepKey(key: string): void {
  try {
    sessionStorage.setItem(KEY_ITEM, key);
  } catch {
    // private mode: the key is used for this request only
  }
}

/** gqlAs sends a mutation with the editor's key; errors are ApiErrors with the server's message. */
export async function gqlAs<T>(key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string; problems?: string[] } }[] } | null;
  const e = body?.errors?.[0];
  if (e) throw new ApiError([e.message, ...(e.extensions?.problems ?? []).slice(1)].join(' · '), e.extensions?.code ?? 'INTERNAL');
  if (!res.ok || !body?.data) throw new ApiError(`The API answered ${res.status}.`);
  return body.data;
}

export interface StepInput {
  title?: string | null;
  caption: string;
  citedNodeIds: string[];
  citedRelationshipIds: string[];
  view: {
    seeds: string[];
    depth: number;
    kinds?: string[] | null;
    types?: string[] | null;
    asOf?: number | null;
    highlightNodes?: string[];
    highlightRelationships?: string[];
    positions?: { nodeId: string; x: number; y: number }[];
  };
}

/** stepInput turns a stored step back into its input, unchanged (so its recorded state is kept). */
export function stepInput(s: StepData): StepInput {
  const v = s.view;
  return {
    title: s.title ?? null,
    caption: s.caption,
    citedNodeIds: s.citedNodeIds,
    citedRelationshipIds: s.citedRelationshipIds,
    view: {
      seeds: v.seeds,
      depth: v.depth,
      kinds: v.kinds.length > 0 ? v.kinds : null,
      types: v.types.length > 0 ? v.types : null,
      asOf: v.asOf ?? null,
      highlightNodes: v.highlightNodes,
      highlightRelationships: v.highlightRelationships,
      positions: v.positions.map((p) => ({ nodeId: p.nodeId, x: p.x, y: p.y })),
    },
  };
}

/**
 * viewStep is a step that shows what the dashboard shows: the cited
 * records' neighbourhood (depth 1; their ends for relationships) at the
 * view's year and filters, the highlighted path, and the nodes where they
 * are drawn now.
 */
export function viewStep(view: View, positions: Map<string, { x: number; y: number }>, cited: { nodes: string[]; edges: string[] }, title: string, caption: string): StepInput {
  const seeds = new Set<string>(cited.nodes);
  for (const id of cited.edges) {
    const e = view.edges.get(id);
    if (e) seeds.add(e.from).add(e.to);
  }
  const shown = visible(view);
  const kinds = view.hiddenKinds.size > 0 ? KINDS.filter((k) => !view.hiddenKinds.has(k)) : null;
  const types = view.hiddenTypes.size > 0 ? REL_TYPES.filter((t) => !view.hiddenTypes.has(t)) : null;
  return {
    title: title || null,
    caption,
    citedNodeIds: cited.nodes,
    citedRelationshipIds: cited.edges,
    view: {
      seeds: [...seeds].slice(0, MAX_SEEDS),
      depth: 1,
      kinds,
      types,
      asOf: view.year,
      highlightNodes: [...view.highlight.nodes].filter((id) => view.nodes.has(id)),
      highlightRelationships: [...view.highlight.edges].filter((id) => view.edges.has(id)),
      positions: shown.nodes
        .filter((id) => positions.has(id))
        .slice(0, MAX_POSITIONS)
        .map((id) => ({ nodeId: id, x: Math.round(positions.get(id)!.x), y: Math.round(positions.get(id)!.y) })),
    },
  };
}

const UPSERT = `mutation SaveStory($in: StoryInput!) { upsertStory(input: $in) { id version steps { index } } }`;
const ACCEPT = `mutation AcceptStep($id: ID!, $step: Int!) { acceptStoryStep(storyId: $id, step: $step) { id version stale } }`;

/** acceptStep accepts the current evidence of a story's step (from 0), keeping the key in this tab. */
export async function acceptStep(id: string, step: number, key: string): Promise<{ version: number; stale: boolean }> {
  keepKey(key);
  const d = await gqlAs<{ acceptStoryStep: { version: number; stale: boolean } }>(key, ACCEPT, { id, step });
  return d.acceptStoryStep;
}

/** mountStorySaver adds the "Save view as a story step" form under "In view". */
export function mountStorySaver(app: App): void {
  const { view } = app;
  const f = (id: string, label: string, input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, hint?: string) => {
    input.id = id;
    const l = el('label', { htmlFor: id, className: 'block' }, label);
    return hint ? [l, input, el('span', { className: 'muted small block' }, hint)] : [l, input];
  };
  const storyId = el('input', { type: 'text', required: true, pattern: '[a-z0-9]+(-[a-z0-9]+)*', placeholder: 'my-story', spellcheck: false });
  const storyTitle = el('input', { type: 'text', placeholder: 'Needed for a new story' });
  const stepTitle = el('input', { type: 'text' });
  const caption = el('textarea', { rows: 4, required: true, placeholder: 'What this view shows, in Markdown.' });
  const cite = el('select', { multiple: true, size: 6 });
  const key = el('input', { type: 'password', autocomplete: 'off', required: true });
  const out = el('p', { className: 'small', id: 'save-story-out' });
  out.setAttribute('role', 'status');
  const form = el(
    'form',
    { id: 'save-story-form', className: 'save-story' },
    ...f('save-story-id', 'Story id', storyId, 'An existing story gets this view as its last step; a new id makes a new story.'),
    ...f('save-story-title', 'Story title', storyTitle),
    ...f('save-step-title', 'Step title', stepTitle),
    ...f('save-step-caption', 'Caption', caption),
    ...f('save-step-cite', 'Cites', cite, 'What the caption speaks of (at least one); the selection and the highlighted path are chosen.'),
    ...f('save-story-key', 'API key', key, 'Kept in this tab only.'),
    el('button', { type: 'submit', id: 'save-story-go', className: 'primary' }, 'Save step'),
    out,
  );
  const box = el('details', { id: 'save-story', className: 'save-story-box' }, el('summary', {}, 'Save view as a story step'), form);
  $('in-view').after(box);

  /** fillCites lists what is in view, choosing the selection and the highlighted path. */
  function fillCites(): void {
    const shown = visible(view);
    const chosen = new Set([view.selected, view.selectedEdge, ...view.highlight.nodes, ...view.highlight.edges].filter(Boolean) as string[]);
    const opts: HTMLOptionElement[] = [];
    for (const id of shown.nodes) {
      const n = view.nodes.get(id)!;
      const o = el('option', { value: `n:${id}`, selected: chosen.has(id) }, n.name);
      opts.push(o);
    }
    for (const id of shown.edges) {
      const e = view.edges.get(id)!;
      const name = (x: string) => view.nodes.get(x)?.name ?? x;
      opts.push(el('option', { value: `r:${id}`, selected: chosen.has(id) }, `${name(e.from)} ${relLabel(e.type)} ${name(e.to)}${e.year ? ` (${e.year})` : ''}`));
    }
    cite.replaceChildren(...opts);
  }
  box.addEventListener('toggle', () => {
    if (box.open) {
      fillCites();
      if (!key.value) key.value = apiKey();
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = [...cite.selectedOptions].map((o) => o.value);
    const nodes = chosen.filter((v) => v.startsWith('n:')).map((v) => v.slice(2));
    const edges = chosen.filter((v) => v.startsWith('r:')).map((v) => v.slice(2));
    if (nodes.length + edges.length === 0) {
      out.textContent = 'Choose what the caption cites.';
      return;
    }
    const positions = new Map<string, { x: number; y: number }>();
    for (const id of view.nodes.keys()) {
      const n = app.cy.getElementById(nid(id));
      if (n.nonempty()) positions.set(id, n.position());
    }
    const step = viewStep(view, positions, { nodes, edges }, stepTitle.value.trim(), caption.value);
    const id = storyId.value.trim();
    const k = key.value.trim();
    keepKey(k);
    out.textContent = 'Saving…';
    void app
      .run('Saving the story step', async () => {
        const old: StoryData | null = await loadStory(id).catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'NOT_FOUND') return null; // a new story
          throw err;
        });
        const title = storyTitle.value.trim() || old?.title || '';
        if (!title) throw new ApiError('A new story needs a title.', 'BAD_USER_INPUT');
        const steps = [...(old?.steps.map(stepInput) ?? []), step];
        const input = { id, title, summary: old?.summary ?? null, author: old?.author ?? null, steps };
        return gqlAs<{ upsertStory: { id: string; version: number; steps: { index: number }[] } }>(k, UPSERT, { in: input });
      })
      .then((r) => {
        if (!r) {
          out.textContent = 'Not saved: see the message above.';
          return;
        }
        const n = r.upsertStory.steps.length - 1;
        out.replaceChildren(`Saved as step ${n + 1} of “${id}” (version ${r.upsertStory.version}): `, el('a', { href: `/s/${id}/${n}`, id: 'save-story-link' }, `/s/${id}/${n}`));
        caption.value = '';
        stepTitle.value = '';
      });
  });
}


