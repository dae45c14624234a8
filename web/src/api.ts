// api.ts: the dashboard's only door to the server: POST /graphql (same origin).

import type { DisputeData } from './disputes';
import { ApiError, codeForStatus, fromResponse, unreachable } from './errors';
import type * as G from './generated/graphql';
import type { PathNode, PathRel } from './paths';
import { rankHits } from './search';
import type { GEdge, GNode } from './state';
import type { RelType } from './vocab';

export { ApiError };

export interface GqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** gql sends one GraphQL document and returns its data or throws ApiError. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw unreachable('The API', err);
  }
  let body: GqlResponse<T> | undefined;
  try {
    body = (await res.json()) as GqlResponse<T>;
  } catch {
    body = undefined;
  }
  if (body?.errors && body.errors.length > 0) {
    const e = body.errors[0];
    throw new ApiError(e.message, e.extensions?.code ?? codeForStatus(res.status));
  }
  if (!res.ok) throw fromResponse('The API', res.status, `${res.status} ${res.statusText}`.trim());
  if (!body || body.data === undefined || body.data === null) throw new ApiError('The API sent an empty answer.');
  return body.data;
}

export const NODE_FIELDS = `
  id kind name
  ... on Movement { startYear }
  ... on Organisation { foundedYear }
  ... on Institution { foundedYear }
  ... on Report { year }
  ... on Event { year }
`;

export const REL_FIELDS = `id type year summary status from { id } to { id }`;

/**
 * Wire<T> is a generated schema type as it arrives: an enum field (kind,
 * type) may hold a name newer than this dashboard's schema, so it is a string.
 */
type Wire<T, K extends keyof T> = Omit<Pick<T, K>, 'kind' | 'type'> & ('kind' extends K ? { kind: string } : unknown) & ('type' extends K ? { type: string } : unknown);

/** RawNode is NODE_FIELDS: a Node with the year of whichever kind it is. */
export type RawNode = Wire<G.Node, 'id' | 'kind' | 'name'> &
  Partial<Pick<G.Movement, 'startYear'> & Pick<G.Organisation, 'foundedYear'> & Pick<G.Report, 'year'>>;

/** RawRel is REL_FIELDS. */
export type RawRel = Wire<G.Relationship, 'id' | 'type' | 'year' | 'summary'> & { status?: string; from: Pick<G.Node, 'id'>; to: Pick<G.Node, 'id'> };

/**
 * toNode maps the API's node onto the view's, with its asOf year. A kind the
 * dashboard does not know is kept as it is (and drawn generically).
 */
export function toNode(r: RawNode): GNode {
  if (typeof r.kind !== 'string' || r.kind === '') throw new ApiError(`node ${r.id} came without a kind`);
  return { id: r.id, kind: r.kind, name: r.name, year: r.startYear ?? r.foundedYear ?? r.year ?? null };
}

/** toEdge maps the API's relationship onto the view's; an unknown type is kept as it is. */
export function toEdge(r: RawRel): GEdge {
  if (typeof r.type !== 'string' || r.type === '') throw new ApiError(`relationship ${r.id} came without a type`);
  const e: GEdge = { id: r.id, type: r.type, from: r.from.id, to: r.to.id, year: r.year ?? null, summary: r.summary ?? null };
  if (r.status && r.status !== 'ASSERTED') e.status = r.status;
  return e;
}

export interface SearchResult {
  node: GNode & { summary: string | null; aliases: string[] };
  score: number;
}

export async function search(text: string, signal?: AbortSignal): Promise<SearchResult[]> {
  const d = await gql<{ search: { score: number; node: RawNode & { summary: string | null; aliases?: string[] } }[] }>(
    `query Search($text: String!) {
      search(text: $text, first: 12) {
        score
        node {
          ${NODE_FIELDS} summary
          ... on Movement { aliases } ... on Organisation { aliases } ... on Institution { aliases }
        }
      }
    }`,
    { text },
    signal,
  );
  const hits = d.search.map((h) => ({
    score: h.score,
    node: { ...toNode(h.node), summary: h.node.summary ?? null, aliases: h.node.aliases ?? [] },
  }));
  return rankHits(text, hits);
}

/**
 * PAGE nodes with up to REL_PAGE relationships each keep one request under
 * the server's complexity limit (50,000: about 810 per node here). A
 * relationship is missed only when both its ends have more than REL_PAGE.
 */
const PAGE = 40;
const REL_PAGE = 100;

/**
 * nodesWithRelationships fetches nodes by id with their relationships as of
 * a year, in pages. Ids the server does not know are absent from the answer.
 */
export async function nodesWithRelationships(
  ids: readonly string[],
  asOf: number | null,
): Promise<{ nodes: GNode[]; edges: GEdge[] }> {
  const nodes: GNode[] = [];
  const edges = new Map<string, GEdge>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const chunk = ids.slice(i, i + PAGE);
    const d = await gql<{ nodes: { nodes: (RawNode & { relationships: { nodes: RawRel[] } })[] } }>(
      `query View($ids: [ID!]!, $first: Int!, $asOf: Int, $rels: Int!) {
        nodes(where: { ids: $ids }, first: $first) {
          nodes { ${NODE_FIELDS} relationships(asOf: $asOf, first: $rels) { nodes { ${REL_FIELDS} } } }
        }
      }`,
      { ids: chunk, first: chunk.length, asOf, rels: REL_PAGE },
    );
    for (const n of d.nodes.nodes) {
      nodes.push(toNode(n));
      for (const r of n.relationships.nodes) edges.set(r.id, toEdge(r));
    }
  }
  return { nodes, edges: [...edges.values()] };
}

interface ExportNode {
  id: string;
  kind: string;
  name: string;
  startYear?: number | null;
  foundedYear?: number | null;
  year?: number | null;
}

interface ExportEdge {
  id: string;
  type: string;
  /** ASSERTED, DISPUTED or RETRACTED (exports carry it). */
  status?: string;
  source: string;
  target: string;
  year?: number | null;
  summary?: string | null;
}

/**
 * subgraph fetches exactly the nodes `ids` and every relationship among them
 * (as of a year) in one request, from the node-link JSON of
 * GET /export?format=json&seed=…&depth=0. Used to rebuild a whole view.
 * `ids` null fetches the whole graph (no seed), for the lens's overview.
 */
export async function subgraph(ids: readonly string[] | null, asOf: number | null): Promise<{ nodes: GNode[]; edges: GEdge[] }> {
  if (ids !== null && ids.length === 0) return { nodes: [], edges: [] };
  const parts = ['format=json', 'depth=0', ...(ids ?? []).map((id) => `seed=${encodeURIComponent(id)}`)];
  if (asOf !== null) parts.push(`asOf=${asOf}`);
  let res: Response;
  try {
    res = await fetch(`/export?${parts.join('&')}`, { headers: { Accept: 'application/json' } });
  } catch (err) {
    throw unreachable('The API', err);
  }
  if (!res.ok) throw fromResponse('/export', res.status, await res.text().catch(() => ''));
  let body: { nodes?: ExportNode[]; edges?: ExportEdge[]; links?: ExportEdge[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError('/export sent something that is not JSON.');
  }
  const nodes = (body.nodes ?? []).map(toNode);
  const edges = (body.edges ?? body.links ?? []).map((e) =>
    toEdge({ id: e.id, type: e.type, year: e.year ?? null, summary: e.summary ?? null, status: e.status, from: { id: e.source }, to: { id: e.target } }),
  );
  return { nodes, edges };
}

export async function neighbourhood(
  id: string,
  types: RelType[] | null,
  asOf: number | null,
  limit = 500,
): Promise<{ nodes: GNode[]; edges: GEdge[]; truncated: boolean }> {
  const d = await gql<{ neighbourhood: { nodes: RawNode[]; relationships: RawRel[]; truncated: boolean } }>(
    `query Expand($id: ID!, $types: [RelationshipType!], $asOf: Int, $limit: Int) {
      neighbourhood(id: $id, depth: 1, types: $types, asOf: $asOf, limit: $limit) {
        nodes { ${NODE_FIELDS} } relationships { ${REL_FIELDS} } truncated
      }
    }`,
    { id, types, asOf, limit },
  );
  const n = d.neighbourhood;
  return { nodes: n.nodes.map(toNode), edges: n.relationships.map(toEdge), truncated: n.truncated };
}

export type Source = G.Source;

/** NodeDetails is everything the details panel shows about one node. */
export interface NodeDetails {
  id: string;
  kind: string;
  name: string;
  summary: string | null;
  degree: number;
  sources: Source[];
  /** Kind-specific properties, label -> value, in display order. */
  properties: [string, string][];
  /** Relationship types of the node (as of the year) and how many of each. */
  typeCounts: [RelType, number][];
  relationshipTotal: number;
}

const SOURCE_FIELDS = `id title url publisher year kind`;

export async function nodeDetails(id: string, asOf: number | null): Promise<NodeDetails | null> {
  const d = await gql<{ node: Record<string, unknown> | null }>(
    `query Details($id: ID!, $asOf: Int) {
      node(id: $id) {
        id kind name summary degree
        sources { ${SOURCE_FIELDS} }
        relationships(asOf: $asOf, first: 500) { totalCount nodes { type } }
        ... on Movement { aliases region startYear endYear }
        ... on Organisation { aliases category region foundedYear }
        ... on Institution { aliases category country foundedYear }
        ... on Report { year url publisher { id name } }
        ... on Person { role }
        ... on Event { year date }
        ... on Tension { question }
      }
    }`,
    { id, asOf },
  );
  const n = d.node;
  if (n === null) return null;
  const props: [string, string][] = [];
  const add = (label: string, key: string) => {
    const v = n[key];
    if (v === null || v === undefined || v === '') return;
    if (Array.isArray(v)) {
      if (v.length > 0) props.push([label, v.join(', ')]);
    } else if (typeof v === 'object') {
      const o = v as { name?: string; id?: string };
      props.push([label, o.name ?? o.id ?? '']);
    } else {
      props.push([label, String(v)]);
    }
  };
  add('Also known as', 'aliases');
  add('Question', 'question');
  add('Role', 'role');
  add('Category', 'category');
  add('Region', 'region');
  add('Country', 'country');
  add('Started', 'startYear');
  add('Ended', 'endYear');
  add('Founded', 'foundedYear');
  add('Year', 'year');
  add('Date', 'date');
  add('Publisher', 'publisher');
  add('Web page', 'url');
  const rels = n.relationships as { totalCount: number; nodes: { type: string }[] };
  const tc = new Map<RelType, number>();
  for (const r of rels.nodes) tc.set(r.type, (tc.get(r.type) ?? 0) + 1);
  return {
    id: n.id as string,
    kind: n.kind as string,
    name: n.name as string,
    summary: (n.summary as string | null) ?? null,
    degree: n.degree as number,
    sources: n.sources as Source[],
    properties: props,
    typeCounts: [...tc.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    relationshipTotal: rels.totalCount,
  };
}

export type RelationshipDetails = Wire<G.Relationship, 'id' | 'type' | 'year' | 'summary' | 'sources'> & {
  status: string;
  disputes: DisputeData[];
  from: Pick<G.Node, 'id' | 'name'>;
  to: Pick<G.Node, 'id' | 'name'>;
  tensions: Pick<G.Tension, 'id' | 'name'>[];
};

export async function relationshipDetails(id: string): Promise<RelationshipDetails | null> {
  const d = await gql<{ relationship: RelationshipDetails | null }>(
    `query Rel($id: ID!) {
      relationship(id: $id) {
        id type year summary status from { id name } to { id name } tensions { id name } sources { ${SOURCE_FIELDS} }
        disputes { claim note positions { says sources { ${SOURCE_FIELDS} } } }
      }
    }`,
    { id },
  );
  return d.relationship;
}

export interface ApiPath {
  length: number;
  nodes: (PathNode & RawNode)[];
  relationships: (PathRel & RawRel)[];
}

export async function paths(from: string, to: string, asOf: number | null, maxLength: number, first = 5): Promise<ApiPath[]> {
  const d = await gql<{ paths: ApiPath[] }>(
    `query Paths($from: ID!, $to: ID!, $asOf: Int, $maxLength: Int, $first: Int) {
      paths(from: $from, to: $to, maxLength: $maxLength, first: $first, asOf: $asOf) {
        length
        nodes { ${NODE_FIELDS} }
        relationships { ${REL_FIELDS} sources { ${SOURCE_FIELDS} } }
      }
    }`,
    { from, to, asOf, maxLength, first },
  );
  return d.paths;
}

export type Stats = Pick<G.GraphStats, 'datasetName' | 'datasetVersion' | 'nodeCount' | 'relationshipCount'> & {
  minYear: number | null;
  maxYear: number | null;
};

export async function stats(): Promise<Stats> {
  const d = await gql<{
    stats: Pick<G.GraphStats, 'datasetName' | 'datasetVersion' | 'nodeCount' | 'relationshipCount'>;
    oldest: { nodes: RawNode[] };
    newest: { nodes: RawNode[] };
  }>(
    `query Stats {
      stats { datasetName datasetVersion nodeCount relationshipCount }
      oldest: nodes(where: { yearFrom: 1000 }, orderBy: [{ field: YEAR, direction: ASC }], first: 1) { nodes { ${NODE_FIELDS} } }
      newest: nodes(where: { yearFrom: 1000 }, orderBy: [{ field: YEAR, direction: DESC }], first: 1) { nodes { ${NODE_FIELDS} } }
    }`,
  );
  const year = (ns: RawNode[]) => (ns.length > 0 ? toNode(ns[0]).year : null);
  return { ...d.stats, minYear: year(d.oldest.nodes), maxYear: year(d.newest.nodes) };
}
