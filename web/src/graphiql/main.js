// GraphiQL for hmkg, bundled by Vite with the dashboard (graphiql,
// react and react-dom are pinned in package.json), so /graphiql loads
// nothing from another origin and runs under the server's strict
// Content-Security-Policy. Plain JavaScript with React.createElement, so the
// dashboard's TypeScript build needs neither JSX nor React's types.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './graphiql.css';

const DEFAULT_QUERY = `# hmkg: the Health Movements Knowledge Graph.
# Reads are public; mutations need "Authorization": "Bearer <key>" in Headers.

query Start {
  stats { datasetName datasetVersion nodeCount relationshipCount }
  search(text: "ACT UP", first: 3) { node { id kind name } }
}
`;

// GraphiQL's dialogs and menus (Radix, through react-remove-scroll-bar) add
// a <style> element while one is open; the server's policy allows it only
// with this page's nonce, which that library reads from __webpack_nonce__
// when it makes the element (not at import, so setting it here is in time).
const nonce = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content');
if (nonce) globalThis.__webpack_nonce__ = nonce;

/** fetcher sends one operation to /graphql on this server, with the headers typed in GraphiQL. */
async function fetcher(params, opts) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return res.json();
}

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false }),
);
