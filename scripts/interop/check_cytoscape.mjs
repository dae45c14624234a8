// check_cytoscape.mjs FILE EXPECTED.json: loads an hmkg CYTOSCAPE export
// into headless Cytoscape.js and compares it with what the store returned
// (node and edge ids, endpoints, kinds, types). Prints one line per check;
// exits non-zero on the first mismatch.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

const [file, expectedFile] = process.argv.slice(2);
if (!file || !expectedFile) {
  console.error("usage: node check_cytoscape.mjs EXPORT.cyjs EXPECTED.json");
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file, "utf8"));
const want = JSON.parse(readFileSync(expectedFile, "utf8"));
const fail = (msg) => {
  console.error("cytoscape: " + msg);
  process.exit(1);
};

const cy = cytoscape({ headless: true, elements: doc.elements });
const version = JSON.parse(readFileSync(new URL("./node_modules/cytoscape/package.json", import.meta.url), "utf8")).version;
const nodes = cy.nodes();
const edges = cy.edges();
if (nodes.length !== want.nodes.length) fail(`${nodes.length} nodes, want ${want.nodes.length}`);
if (edges.length !== want.edges.length) fail(`${edges.length} edges, want ${want.edges.length}`);
for (const n of want.nodes) {
  const got = cy.getElementById(n.id);
  if (got.empty() || !got.isNode()) fail(`node ${n.id} missing`);
  if (got.data("kind") !== n.kind || got.data("name") !== n.name) fail(`node ${n.id}: ${JSON.stringify(got.data())}`);
}
for (const e of want.edges) {
  const got = cy.getElementById(e.id);
  if (got.empty() || !got.isEdge()) fail(`edge ${e.id} missing`);
  if (got.source().id() !== e.source || got.target().id() !== e.target || got.data("type") !== e.type) {
    fail(`edge ${e.id}: ${got.source().id()} -[${got.data("type")}]-> ${got.target().id()}`);
  }
}
// The whole document round-trips through cy.json() with its data intact.
const again = cytoscape({ headless: true, elements: cy.json().elements });
if (again.elements().length !== nodes.length + edges.length) fail("cy.json() lost elements");
console.log(`cytoscape ${version}: ${nodes.length} nodes, ${edges.length} edges: ok`);
