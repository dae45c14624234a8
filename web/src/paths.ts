// paths.ts: turns a Path from the API into hops a person can read.

import type { Source } from './generated/graphql';
import { relLabel } from './vocab';

export { relLabel };

/** PathNode and PathRel are the parts of the API's Path the list needs. */
export interface PathNode {
  id: string;
  name: string;
  kind: string;
}

export type PathSource = Pick<Source, 'id' | 'title' | 'url'> & Partial<Pick<Source, 'publisher' | 'year'>>;

export interface PathRel {
  id: string;
  type: string;
  year: number | null;
  summary: string | null;
  from: { id: string };
  to: { id: string };
  sources: PathSource[];
}

/** Hop is one step along a path: from `a` to `b` over `rel`. */
export interface Hop {
  a: PathNode;
  b: PathNode;
  rel: PathRel;
  /** forward: the relationship points from a to b; otherwise from b to a. */
  forward: boolean;
}

/**
 * hops pairs each relationship with the nodes on either side of it. Paths
 * follow relationships either way, so a hop records the arrow's direction.
 * It throws when the path is malformed (a relationship that does not join
 * its neighbouring nodes), so a bad answer is not shown as a wrong story.
 */
export function hops(path: { nodes: PathNode[]; relationships: PathRel[] }): Hop[] {
  const { nodes, relationships } = path;
  if (nodes.length !== relationships.length + 1) {
    throw new Error(`path has ${nodes.length} nodes and ${relationships.length} relationships`);
  }
  return relationships.map((rel, i) => {
    const a = nodes[i];
    const b = nodes[i + 1];
    if (rel.from.id === a.id && rel.to.id === b.id) return { a, b, rel, forward: true };
    if (rel.from.id === b.id && rel.to.id === a.id) return { a, b, rel, forward: false };
    throw new Error(`relationship ${rel.id} does not join ${a.id} and ${b.id}`);
  });
}

/** hopText is a one-line reading of a hop, e.g. "ACT UP —challenged→ FDA (1988)". */
export function hopText(h: Hop): string {
  const label = relLabel(h.rel.type);
  const year = h.rel.year !== null ? ` (${h.rel.year})` : '';
  return h.forward
    ? `${h.a.name} —${label}→ ${h.b.name}${year}`
    : `${h.a.name} ←${label}— ${h.b.name}${year}`;
}
