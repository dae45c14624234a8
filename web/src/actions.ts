// actions.ts: what a person does to the graph in view: add a node, expand a
// node's neighbourhood, collapse it, pin it, remove it, clear everything.

import * as api from './api';
import type { App } from './app';
import { $ } from './dom';
import { addElements, clearView, collapse as collapseIn, existsAsOf, neighbours, removeNodes, togglePin as togglePinIn } from './state';
import { relLabel } from './vocab';

export function mountActions(app: App): void {
  const { view } = app;

  /** addNode puts a node (and its relationships to what is in view) on screen and selects it. */
  async function addNode(id: string): Promise<void> {
    if (!view.nodes.has(id)) {
      const r = await app.run('Adding node', () => api.nodesWithRelationships([id], view.year), () => void addNode(id));
      if (!r) return;
      if (r.nodes.length === 0) {
        app.showError(`No node with id “${id}” was found.`);
        return;
      }
      addElements(view, r.nodes, r.edges);
      view.note = '';
      app.render({ anchor: neighbours(view, id)[0] });
      const n = view.nodes.get(id)!;
      if (!existsAsOf(n.year, view.year)) {
        view.note = `${n.name} dates from ${n.year}: move the year slider to ${n.year} or later to see it`;
      }
    }
    app.select(id);
  }

  async function expand(id: string, types: string[] | null): Promise<void> {
    const label = types ? `Expanding ${types.map(relLabel).join(', ')}` : 'Expanding neighbours';
    const r = await app.run(
      label,
      async () => {
        const nb = await api.neighbourhood(id, types, view.year);
        const fresh = nb.nodes.map((n) => n.id).filter((x) => !view.nodes.has(x));
        addElements(view, nb.nodes, nb.edges);
        if (fresh.length > 0) {
          // Relationships between the new nodes and the rest of the view.
          const more = await api.nodesWithRelationships(fresh, view.year);
          addElements(view, [], more.edges);
        }
        return { fresh, truncated: nb.truncated };
      },
      () => void expand(id, types),
    );
    if (!r) return;
    view.note = r.fresh.length === 0 ? 'no new neighbours' : `added ${r.fresh.length} neighbours`;
    if (r.truncated) view.note += ' (the server cut the neighbourhood short)';
    app.render({ anchor: id });
    if (view.selected === id) void app.showNodeDetails(id);
  }

  function collapse(id: string): void {
    const gone = collapseIn(view, id);
    view.note = gone.length === 0 ? 'nothing to collapse (neighbours are pinned or linked elsewhere)' : `removed ${gone.length} neighbours`;
    app.render();
  }

  function togglePin(id: string): void {
    const p = togglePinIn(view, id);
    app.render();
    const b = document.getElementById('pin');
    if (b) {
      b.textContent = p ? 'Unpin' : 'Pin';
      b.setAttribute('aria-pressed', String(p));
    }
  }

  function remove(id: string): void {
    removeNodes(view, [id]);
    app.clearDetails();
    app.render();
  }

  $('clear').addEventListener('click', () => {
    clearView(view);
    app.clearDetails();
    $('path-results').replaceChildren();
    app.render();
  });

  Object.assign(app, { addNode, expand, collapse, togglePin, remove });
}
