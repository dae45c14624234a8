// lensapi.ts: the lens's GraphQL queries (analysis, tensionMatrix,
// compareMovements) and the mapping of their answers onto the shapes of
// lens.ts, tensions.ts and compare.ts. Like api.ts it only talks to
// POST /graphql and GET /export on the same origin.

import { gql } from './api';
import type { Comparison, Profile, TimelineItem } from './compare';
import type * as G from './generated/graphql';
import type { Community, NodeMetrics } from './lens';
import type { Cell, Episode, EpisodeSource, Ref } from './tensions';

type RefOf = Pick<G.Node, 'id' | 'name'>;

const ref = (r: RefOf): Ref => ({ id: r.id, name: r.name });

export interface Analysis {
  nodeCount: number;
  edgeCount: number;
  modularity: number;
  nodes: NodeMetrics[];
  communities: Community[];
  /** The organisations that broker most between movements and institutions (networkx betweenness_centrality_subset). */
  brokers: { node: Ref & { kind: string }; brokerage: number }[];
}

type RawMetrics = Pick<G.NodeMetrics, 'degree' | 'betweenness' | 'closeness' | 'pageRank' | 'eigenvector' | 'brokerage' | 'community'> & {
  node: Pick<G.Node, 'id'>;
};

const ANALYSIS = `query Lens($seeds: [ID!], $depth: Int, $asOf: Int) {
  analysis(seeds: $seeds, depth: $depth, asOf: $asOf) {
    nodeCount edgeCount modularity
    nodes { node { id } degree betweenness closeness pageRank eigenvector brokerage community }
    communities { index label size }
    brokers(kinds: [ORGANISATION], first: 10) { node { id name kind } brokerage }
  }
}`;

/**
 * analysis asks for the metrics and communities of exactly the nodes `ids`
 * (depth 0), or of the whole graph when `ids` is null.
 */
export async function analysis(ids: readonly string[] | null, asOf: number | null): Promise<Analysis> {
  const d = await gql<{
    analysis: Pick<G.Analysis, 'nodeCount' | 'edgeCount' | 'modularity'> & {
      nodes: RawMetrics[];
      communities: Pick<G.Community, 'index' | 'label' | 'size'>[];
      brokers: { node: RefOf & { kind: string }; brokerage: number }[];
    };
  }>(ANALYSIS, { seeds: ids === null ? null : [...ids], depth: ids === null ? null : 0, asOf });
  const a = d.analysis;
  return {
    nodeCount: a.nodeCount,
    edgeCount: a.edgeCount,
    modularity: a.modularity,
    nodes: a.nodes.map((m) => ({
      id: m.node.id,
      community: String(m.community),
      degree: m.degree,
      betweenness: m.betweenness,
      closeness: m.closeness,
      pageRank: m.pageRank,
      eigenvector: m.eigenvector,
      brokerage: m.brokerage,
    })),
    communities: a.communities.map((c) => ({ id: String(c.index), label: c.label, size: c.size })),
    brokers: a.brokers.map((b) => ({ node: { ...ref(b.node), kind: b.node.kind }, brokerage: b.brokerage })),
  };
}

const EPISODE_FIELDS = `id type year summary from { id name } to { id name }`;

type RawEpisode = Pick<G.Relationship, 'id' | 'year' | 'summary'> & {
  type: string;
  from: RefOf;
  to: RefOf;
};
type RawSource = Pick<G.Source, 'title' | 'url' | 'publisher' | 'year'>;

function episode(e: RawEpisode): Episode {
  return {
    id: e.id,
    type: e.type,
    year: e.year ?? null,
    summary: e.summary ?? null,
    from: ref(e.from),
    to: ref(e.to),
    sources: [],
  };
}

/** SOURCES_PER_QUERY keeps one request of episode sources well inside the server's complexity limit. */
const SOURCES_PER_QUERY = 20;

/**
 * episodeSources fetches the sources of episodes by relationship id (one
 * aliased `relationship` field per episode, SOURCES_PER_QUERY a request). The
 * matrix itself comes without sources: with them the server's cost estimate
 * for tensionMatrix exceeds its complexity limit.
 */
export async function episodeSources(ids: readonly string[]): Promise<Map<string, EpisodeSource[]>> {
  const out = new Map<string, EpisodeSource[]>();
  for (let i = 0; i < ids.length; i += SOURCES_PER_QUERY) {
    const chunk = ids.slice(i, i + SOURCES_PER_QUERY);
    const vars = chunk.map((_, j) => `$e${j}: ID!`).join(', ');
    const fields = chunk.map((_, j) => `e${j}: relationship(id: $e${j}) { id sources { title url publisher year } }`).join('\n');
    const d = await gql<Record<string, { id: string; sources: RawSource[] } | null>>(
      `query EpisodeSources(${vars}) { ${fields} }`,
      Object.fromEntries(chunk.map((id, j) => [`e${j}`, id])),
    );
    for (const r of Object.values(d)) {
      if (r) out.set(r.id, r.sources.map((s) => ({ title: s.title, url: s.url, publisher: s.publisher ?? null, year: s.year ?? null })));
    }
  }
  return out;
}

/** tensionMatrix fetches every non-empty cell (all tensions, all movements) as of a year; episodes come without sources (see episodeSources). */
export async function tensionMatrix(asOf: number | null): Promise<Cell[]> {
  const d = await gql<{
    tensionMatrix: { tension: RefOf; movement: RefOf; decade?: number | null; count: number; episodes: RawEpisode[] }[];
  }>(
    `query Tensions($asOf: Int) { tensionMatrix(asOf: $asOf) {
      tension { id name } movement { id name } decade count episodes { ${EPISODE_FIELDS} }
    } }`,
    { asOf },
  );
  return d.tensionMatrix.map((c) => ({
    tension: ref(c.tension),
    movement: ref(c.movement),
    decade: c.decade ?? null,
    count: c.count,
    episodes: c.episodes.map(episode),
  }));
}

/** movements lists every movement (at most 500) by name, for the compare pickers. */
export async function movements(): Promise<Ref[]> {
  const d = await gql<{ nodes: { nodes: RefOf[] } }>(`{ nodes(kinds: [MOVEMENT], first: 500) { nodes { id name } } }`);
  return d.nodes.nodes.map(ref).sort((a, b) => a.name.localeCompare(b.name));
}

type RawProfile = {
  movement: RefOf;
  members: RefOf[];
  tensions: { tension: RefOf; count: number }[];
  timeline: (Pick<G.Relationship, 'id' | 'year' | 'summary'> & { type: string; from: RefOf; to: RefOf })[];
};

function profile(p: RawProfile): Profile {
  return {
    movement: ref(p.movement),
    members: p.members.map(ref),
    tensions: p.tensions.map((t) => ({ tension: ref(t.tension), count: t.count })),
    timeline: p.timeline
      .filter((r) => r.year !== null && r.year !== undefined)
      .map((r): TimelineItem => ({ id: r.id, type: r.type, year: r.year!, summary: r.summary ?? null, from: ref(r.from), to: ref(r.to) })),
  };
}

const PROFILE_FIELDS = `movement { id name } members { id name } tensions { tension { id name } count }
  timeline { id type year summary from { id name } to { id name } }`;

/** compareMovements sets two movements side by side. */
export async function compareMovements(a: string, b: string, asOf: number | null): Promise<Comparison> {
  const d = await gql<{
    compareMovements: { a: RawProfile; b: RawProfile; sharedInstitutions: RefOf[]; sharedOrganisations: RefOf[] };
  }>(
    `query Compare($a: ID!, $b: ID!, $asOf: Int) { compareMovements(a: $a, b: $b, asOf: $asOf) {
      a { ${PROFILE_FIELDS} } b { ${PROFILE_FIELDS} }
      sharedInstitutions { id name } sharedOrganisations { id name }
    } }`,
    { a, b, asOf },
  );
  const c = d.compareMovements;
  return {
    a: profile(c.a),
    b: profile(c.b),
    sharedInstitutions: c.sharedInstitutions.map(ref),
    sharedOrganisations: c.sharedOrganisations.map(ref),
  };
}
