"""Reference network metrics for hmkg's graph/analysis tests.

Reads a selection as JSON on stdin: {"nodes": [{"id", "kind"}], "edges": [[from, to], ...]}
(directed, possibly with parallel edges and self-loops) and prints networkx 3's figures
as JSON, computed the way hmkg documents them:

- the undirected simple graph (parallel edges collapsed, self-loops dropped) gives degree,
  degree_centrality, betweenness_centrality (normalized), closeness_centrality,
  eigenvector_centrality, brokerage (betweenness_centrality_subset from movements to
  institutions, not normalized), and louvain_communities' modularity as a reference;
- the directed simple graph gives in/out degree and pagerank (alpha 0.85).

Tolerances are tight so that both sides report the fixed points, not early stops.
"""
import json
import sys

import networkx as nx


def reference(ids, kinds, edges, communities=None):
    """networkx's figures for nodes ids (kinds: id -> kind) and directed
    edges [(u, v), ...]; with communities (lists of ids), their modularity."""
    D = nx.DiGraph()
    D.add_nodes_from(ids)
    for u, v in edges:
        if u != v:
            D.add_edge(u, v)
    G = nx.Graph(D)  # collapses u->v and v->u into one undirected edge
    out = {"nodes": {}}
    deg_c = nx.degree_centrality(G) if len(G) > 1 else {n: 0.0 for n in G}
    bc = nx.betweenness_centrality(G, normalized=True)
    cl = nx.closeness_centrality(G)
    pr = nx.pagerank(D, alpha=0.85, tol=1e-14, max_iter=100000)
    ev = nx.eigenvector_centrality(G, max_iter=100000, tol=1e-14)
    movements = [n for n in G if kinds[n] == "MOVEMENT"]
    institutions = [n for n in G if kinds[n] == "INSTITUTION"]
    brk = nx.betweenness_centrality_subset(G, movements, institutions, normalized=False)
    for n in ids:
        out["nodes"][n] = {
            "degree": G.degree(n),
            "inDegree": D.in_degree(n),
            "outDegree": D.out_degree(n),
            "degreeCentrality": deg_c[n],
            "betweenness": bc[n],
            "closeness": cl[n],
            "pageRank": pr[n],
            "eigenvector": ev[n],
            "brokerage": brk[n],
        }
    out["edges"] = G.number_of_edges()
    if communities is not None:
        comms = [set(c) for c in communities]
        out["modularityOfOurs"] = nx.community.modularity(G, comms)
    if G.number_of_edges() > 0:
        ref = nx.community.louvain_communities(G, seed=1)
        out["louvainModularity"] = nx.community.modularity(G, ref)
    return out


def main():
    doc = json.load(sys.stdin)
    ids = [n["id"] for n in doc["nodes"]]
    kinds = {n["id"]: n["kind"] for n in doc["nodes"]}
    json.dump(reference(ids, kinds, doc["edges"], doc.get("communities")), sys.stdout)


if __name__ == "__main__":
    main()
