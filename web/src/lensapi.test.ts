import { afterEach, expect, test, vi } from 'vitest';
import { analysis, episodeSources } from './lensapi';

afterEach(() => vi.unstubAllGlobals());

/** stubFetch answers each POST /graphql with reply(query, variables) and records the requests. */
function stubFetch(reply: (query: string, vars: Record<string, unknown>) => unknown) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
    const body = JSON.parse(init.body) as { query: string; variables: Record<string, unknown> };
    calls.push(body);
    return new Response(JSON.stringify({ data: reply(body.query, body.variables) }), { status: 200 });
  });
  return calls;
}

test('episodeSources asks for 20 relationships a request (under the 30-alias limit) and maps them by id', async () => {
  const ids = Array.from({ length: 45 }, (_, i) => `r${i}`);
  const calls = stubFetch((_q, vars) =>
    Object.fromEntries(Object.entries(vars).map(([k, id]) => [k, { id, sources: [{ title: `about ${id}`, url: 'https://example.org', publisher: null, year: 1990 }] }])),
  );
  const got = await episodeSources(ids);
  expect(calls.map((c) => Object.keys(c.variables).length)).toEqual([20, 20, 5]);
  expect(calls[0].query).toContain('e19: relationship(id: $e19)');
  expect(got.size).toBe(45);
  expect(got.get('r44')).toEqual([{ title: 'about r44', url: 'https://example.org', publisher: null, year: 1990 }]);
});

test('analysis of the view sends its ids at depth 0; of the whole graph, no seeds; communities keyed by index', async () => {
  const calls = stubFetch(() => ({
    analysis: {
      nodeCount: 2,
      edgeCount: 1,
      modularity: 0,
      nodes: [{ node: { id: 'a' }, degree: 1, betweenness: 0, closeness: 1, pageRank: 0.5, eigenvector: 0.7, brokerage: 0, community: 0 }],
      communities: [{ index: 0, label: 'A · B', size: 2 }],
      brokers: [],
    },
  }));
  const a = await analysis(['a', 'b'], 1990);
  expect(calls[0].variables).toEqual({ seeds: ['a', 'b'], depth: 0, asOf: 1990 });
  expect(a.nodes[0]).toMatchObject({ id: 'a', community: '0', pageRank: 0.5 });
  expect(a.communities).toEqual([{ id: '0', label: 'A · B', size: 2 }]);
  await analysis(null, null);
  expect(calls[1].variables).toEqual({ seeds: null, depth: null, asOf: null });
});
