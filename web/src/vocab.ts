// vocab.ts: the graph's vocabulary (node kinds, relationship types, export
// formats) as the dashboard uses it. Every list is derived from the types
// generated from schema.graphqls (src/generated/graphql.ts, `npm run
// codegen`), never written here. A server newer than the dashboard may send a
// kind or type missing from these lists: such names are still valid values
// (Kind and RelType accept any string) and are shown generically.

import { ExportFormat, NodeKind, RelationshipType } from './generated/graphql';

export { ExportFormat, NodeKind, RelationshipType };

/** KINDS are the node kinds the schema defines, in its order. */
export const KINDS: readonly NodeKind[] = Object.values(NodeKind);

/** REL_TYPES are the relationship types the schema defines, in its order. */
export const REL_TYPES: readonly RelationshipType[] = Object.values(RelationshipType);

/** EXPORT_FORMATS are the formats GET /export serves, in the schema's order. */
export const EXPORT_FORMATS: readonly ExportFormat[] = Object.values(ExportFormat);

/**
 * Kind is a node kind as the server names it: one the schema defines, or a
 * newer one this dashboard does not know (shown with a generic look).
 */
export type Kind = NodeKind | (string & {});

/** RelType is a relationship type as the server names it, known or not. */
export type RelType = RelationshipType | (string & {});

export function isKnownKind(s: string): s is NodeKind {
  return (KINDS as readonly string[]).includes(s);
}

export function isKnownRelType(s: string): s is RelationshipType {
  return (REL_TYPES as readonly string[]).includes(s);
}

/** parseExportFormat reads a format name in any case ("gexf", "GEXF"); null when the schema has no such format. */
export function parseExportFormat(s: string): ExportFormat | null {
  const up = s.trim().toUpperCase();
  return (EXPORT_FORMATS as readonly string[]).includes(up) ? (up as ExportFormat) : null;
}

/**
 * relLabel is how a relationship type is shown to people, everywhere in the
 * dashboard (the drawing, the filters, the details, paths): CO_OPTED_BY reads
 * "co-opted by". It works for types the dashboard does not know too.
 */
export function relLabel(type: RelType): string {
  return type.toLowerCase().replace(/_/g, ' ').replace(/\bco opted\b/g, 'co-opted');
}

/**
 * withUnknown lists the known names followed by any other names present in
 * `present` (sorted), so that filters and counts also cover kinds and types
 * from a server newer than the dashboard.
 */
export function withUnknown<T extends string>(known: readonly T[], present: Iterable<string>): string[] {
  const k = new Set<string>(known);
  const extra = [...new Set(present)].filter((n) => !k.has(n)).sort();
  return [...known, ...extra];
}
