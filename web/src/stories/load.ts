// stories/load.ts: reading a story and the graph each of its steps shows,
// shared by the presentation mode (present.ts) and the embed (embed.ts).
// No DOM.

import { gql, NODE_FIELDS, REL_FIELDS, toEdge, toNode, type RawNode, type RawRel } from '../api';
import type * as G from '../generated/graphql';
import type { GEdge, GNode } from '../state';

type Cited<T> = T & { sources: G.Source[] };

export type StoryData = Pick<G.Story, 'id' | 'title' | 'summary' | 'author' | 'createdAt' | 'updatedAt' | 'version' | 'stale'> & {
  steps: StepData[];
};

export type StepData = Pick<G.StoryStep, 'index' | 'title' | 'caption' | 'captionHtml' | 'stale' | 'citedNodeIds' | 'citedRelationshipIds'> & {
  view: Omit<G.StoryView, 'kinds' | 'types'> & { kinds: string[]; types: string[] };
  citedNodes: Cited<{ id: string; kind: string; name: string; summary?: string | null }>[];
  citedRelationships: Cited<{ id: string; type: string; year?: number | null; summary?: string | null; from: { id: string; name: string }; to: { id: string; name: string } }>[];
  changes: { id: string; target: string; what: string }[];
};

const STORY = `query Story($id: ID!) {
  story(id: $id) {
    id title summary author createdAt updatedAt version stale
    steps {
      index title caption captionHtml stale citedNodeIds citedRelationshipIds
      view { seeds depth kinds types asOf highlightNodes highlightRelationships positions { nodeId x y } }
      citedNodes { id kind name summary sources { id title url publisher year } }
      citedRelationships { id type year summary from { id name } to { id name } sources { id title url publisher year } }
      changes { id target what }
    }
  }
}`;

/** loadStory reads a story with all its steps; null when there is none with that id. */
export async function loadStory(id: string): Promise<StoryData | null> {
  const d = await gql<{ story: StoryData | null }>(STORY, { id });
  return d.story;
}

export type StorySummary = Pick<G.Story, 'id' | 'title' | 'summary' | 'author' | 'stale'> & { steps: { index: number }[] };

/** listStories reads the first page of stories, sorted by id. */
export async function listStories(first = 50): Promise<StorySummary[]> {
  const d = await gql<{ stories: { nodes: StorySummary[] } }>(
    `query Stories($first: Int) { stories(first: $first) { nodes { id title summary author stale steps { index } } } }`,
    { first },
  );
  return d.stories.nodes;
}

/**
 * stepGraph is what a step shows: the neighbourhood of its seeds at its
 * depth, kinds, types and year, plus everything it cites and highlights.
 */
export async function stepGraph(step: StepData): Promise<{ nodes: GNode[]; edges: GEdge[] }> {
  const v = step.view;
  const nodes = new Map<string, GNode>();
  const edges = new Map<string, GEdge>();
  const vars = {
    depth: v.depth,
    kinds: v.kinds.length > 0 ? v.kinds : null,
    types: v.types.length > 0 ? v.types : null,
    asOf: v.asOf ?? null,
  };
  const hoods = await Promise.all(
    v.seeds.map((id) =>
      gql<{ neighbourhood: { nodes: RawNode[]; relationships: RawRel[] } }>(
        `query StepGraph($id: ID!, $depth: Int, $kinds: [NodeKind!], $types: [RelationshipType!], $asOf: Int) {
          neighbourhood(id: $id, depth: $depth, kinds: $kinds, types: $types, asOf: $asOf, limit: 500) {
            nodes { ${NODE_FIELDS} } relationships { ${REL_FIELDS} }
          }
        }`,
        { id, ...vars },
      ).catch(() => null), // a deleted seed: the step is stale and the rest still shows
    ),
  );
  for (const h of hoods) {
    if (!h) continue;
    for (const n of h.neighbourhood.nodes) nodes.set(n.id, toNode(n));
    for (const r of h.neighbourhood.relationships) edges.set(r.id, toEdge(r));
  }
  // What the caption cites is always on show, whatever the filters.
  const extra = new Set<string>(step.citedNodeIds);
  for (const r of step.citedRelationships) extra.add(r.from.id).add(r.to.id);
  for (const id of v.highlightNodes) extra.add(id);
  const missing = [...extra].filter((id) => !nodes.has(id));
  if (missing.length > 0) {
    const d = await gql<{ nodes: { nodes: RawNode[] } }>(
      `query StepNodes($ids: [ID!]) { nodes(where: { ids: $ids }, first: 200) { nodes { ${NODE_FIELDS} } } }`,
      { ids: missing },
    ).catch(() => null);
    for (const n of d?.nodes.nodes ?? []) nodes.set(n.id, toNode(n));
  }
  for (const r of step.citedRelationships) {
    if (!edges.has(r.id) && nodes.has(r.from.id) && nodes.has(r.to.id)) {
      edges.set(r.id, toEdge({ id: r.id, type: r.type, year: r.year ?? null, summary: r.summary ?? null, from: { id: r.from.id }, to: { id: r.to.id } }));
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** storyPath reads /s/<id>[/<step>] (or /embed/s/…); null for any other path. */
export function storyPath(pathname: string): { id: string; step: number } | null {
  const m = /^\/(?:embed\/)?s\/([a-z0-9][a-z0-9-]{0,127})(?:\/(\d{1,4}))?\/?$/.exec(pathname);
  if (!m) return null;
  return { id: m[1], step: m[2] ? Number(m[2]) : 0 };
}

/** changeText words what changed in a cited record. */
export function changeText(c: { id: string; target: string; what: string }): string {
  const what = c.target === 'RELATIONSHIP' ? 'relationship' : 'node';
  const how = c.what === 'DELETED' ? 'was deleted' : c.what === 'DISPUTED' ? 'is now disputed' : 'has changed';
  return `The cited ${what} ${c.id} ${how}.`;
}

/** embedSnippet is the HTML a page author pastes to embed a story. */
export function embedSnippet(origin: string, id: string, title: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${esc(`${origin}/embed/s/${id}`)}" width="800" height="520" title="${esc(title)}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
}
