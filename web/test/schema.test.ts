// schema.test.ts: the dashboard and schema.graphqls agree. The committed
// src/generated/graphql.ts is what GraphQL Code Generator makes from the
// schema today (else: `npm run codegen`), and the vocabulary the dashboard
// offers (kinds, relationship types, export formats) is exactly the schema's
// enums, in the schema's order. Lives outside src/ because it reads files
// with Node's fs (src/ is type-checked for the browser).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { buildSchema, GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, KINDS, REL_TYPES } from '../src/vocab';

const web = fileURLToPath(new URL('..', import.meta.url));
const schemaText = readFileSync(new URL('../../schema.graphqls', import.meta.url), 'utf8');

function enumValues(name: string): string[] {
  const t = buildSchema(schemaText).getType(name);
  if (!(t instanceof GraphQLEnumType)) throw new Error(`schema.graphqls has no enum ${name}`);
  return t.getValues().map((v) => v.name);
}

describe('generated types', () => {
  it('src/generated/graphql.ts is up to date with schema.graphqls (else run `npm run codegen`)', async () => {
    const { config } = (await loadCodegenConfig({ configFilePath: `${web}codegen.yml` }))!;
    const out = await generate({ ...config, cwd: web, silent: true }, false);
    expect(out.map((o) => o.filename)).toEqual(['src/generated/graphql.ts']);
    const committed = readFileSync(`${web}src/generated/graphql.ts`, 'utf8');
    expect(committed === out[0].content, 'src/generated/graphql.ts is stale: run `npm run codegen` in web/').toBe(true);
  }, 60_000);
});

describe('vocabulary', () => {
  it('kinds are the NodeKind enum, in order', () => {
    expect([...KINDS]).toEqual(enumValues('NodeKind'));
  });

  it('relationship types are the RelationshipType enum, in order', () => {
    expect([...REL_TYPES]).toEqual(enumValues('RelationshipType'));
  });

  it('export formats are the ExportFormat enum, in order', () => {
    expect([...EXPORT_FORMATS]).toEqual(enumValues('ExportFormat'));
  });
});
