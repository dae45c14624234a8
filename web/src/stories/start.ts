// stories/start.ts: the dashboard's start page, shown while the view is
// empty: what the graph is, the curated stories, and the three named
// movements and the five tensions to click into.

import { gql, NODE_FIELDS, toNode, type RawNode } from '../api';
import type { App } from '../app';
import { $, button, el } from '../dom';
import type { GNode } from '../state';
import { listStories, type StorySummary } from './load';
import './stories.css';

/** MOVEMENTS are the named movements the start page offers, in this order. */
export const MOVEMENTS = ['aids-movement', 'breast-cancer-movement', 'disability-rights-movement'] as const;

export function mountStartPage(app: App): void {
  const box = $('empty');
  box.classList.add('start');
  const stories = el('ul', { className: 'stories', id: 'start-stories' }, el('li', { className: 'muted' }, 'Loading the stories…'));
  const movements = el('ul', { className: 'chips', id: 'start-movements' });
  const tensions = el('ul', { className: 'chips', id: 'start-tensions' });
  box.replaceChildren(
    el('h2', {}, 'Health movements, the organisations around them, and the evidence for every link'),
    el(
      'p',
      {},
      'This graph maps people-powered health movements: the groups and people who formed them, the institutions they pressed, ' +
        'the reports and events that marked them, and the tensions they live with. Every node and relationship cites its sources.',
    ),
    el('p', { className: 'muted' }, 'Search above, pick a movement or a tension below, or follow a story.'),
    el('h3', {}, 'Stories'),
    stories,
    el('h3', {}, 'Movements'),
    movements,
    el('h3', {}, 'Tensions'),
    tensions,
  );

  async function explore(id: string): Promise<void> {
    await app.addNode(id);
    await app.expand(id, null);
  }

  function chips(list: HTMLElement, nodes: GNode[]): void {
    list.replaceChildren(...nodes.map((n) => el('li', {}, button(n.name, () => void explore(n.id), { 'data-id': n.id }))));
  }

  function showStories(s: StorySummary[]): void {
    if (s.length === 0) {
      stories.replaceChildren(el('li', { className: 'muted' }, 'No stories yet.'));
      return;
    }
    stories.replaceChildren(
      ...s.map((st) =>
        el(
          'li',
          {},
          el('a', { href: `/s/${st.id}` }, st.title),
          st.summary ? el('span', { className: 'muted' }, ` — ${st.summary}`) : '',
          st.stale ? el('span', { className: 'stale-mark small' }, ' stale') : '',
        ),
      ),
    );
  }

  void listStories()
    .then(showStories)
    .catch(() => stories.replaceChildren(el('li', { className: 'muted' }, 'The stories could not be loaded.')));
  void gql<{ m: { nodes: RawNode[] }; t: { nodes: RawNode[] } }>(
    `query Start($ids: [ID!]) {
      m: nodes(where: { ids: $ids }, first: 10) { nodes { ${NODE_FIELDS} } }
      t: nodes(kinds: [TENSION], first: 20) { nodes { ${NODE_FIELDS} } }
    }`,
    { ids: [...MOVEMENTS] },
  )
    .then((d) => {
      const byId = new Map(d.m.nodes.map((n) => [n.id, toNode(n)]));
      chips(movements, MOVEMENTS.flatMap((id) => byId.get(id) ?? []));
      chips(tensions, d.t.nodes.map(toNode));
    })
    .catch(() => movements.replaceChildren(el('li', { className: 'muted' }, 'The graph could not be reached.')));
}
