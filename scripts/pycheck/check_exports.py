#!/usr/bin/env python3
"""check_exports.py DIR [--xsd GEXF_XSD]: read hmkg's exports the way
analysts do and compare them with what the API returned.

DIR holds export.json, export.graphml and export.gexf (written by hmkg)
and expected.json (written by the Go test from the store):

    {"nodes": {id: {property: value}}, "relationships": {id: {"source": ..,
     "target": .., "type": .., property: value}}, "sourceCount": N,
     "storyIds": [the ids of the stories the JSON export carries]}

Missing properties are absent from expected.json. Checks: networkx reads
the JSON (node_link_graph), GraphML (read_graphml) and GEXF (read_gexf) and
gets the same nodes, relationships and properties; igraph reads the GraphML
and gets the same counts, ids, kinds, names and relationship triples;
xmllint validates the GEXF against the official XSD. Exit status 1 lists
the problems.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

import igraph
import networkx as nx

NODE_YEARS = ("startYear", "endYear", "foundedYear", "year")
LISTS = ("aliases", "sources", "tensions", "disputes")  # disputes: a JSON array of objects


class Problems(list):
    def add(self, where, msg):
        self.append(f"{where}: {msg}")


def since(props):
    for k in ("startYear", "foundedYear", "year"):
        if k in props:
            return props[k]
    return None


def compare_props(problems, where, want, got, decode_lists=False, skip=()):
    """Every expected property must be in got with an equal value; got
    may hold null/absent for properties expected to be missing."""
    for k, v in want.items():
        if k in skip:
            continue
        g = got.get(k)
        if decode_lists and k in LISTS and isinstance(g, str):
            try:
                g = json.loads(g)
            except ValueError as e:
                problems.add(where, f"{k} is not a JSON list: {g!r} ({e})")
                continue
        if g != v:
            problems.add(where, f"{k} = {g!r}, want {v!r}")
    for k, g in got.items():
        if k not in want and k not in skip and g not in (None, [], "", "[]"):
            if k in NODE_YEARS or k in LISTS or k in ("summary", "region", "country", "category", "date",
                                                       "publisher", "url", "role", "question"):
                problems.add(where, f"{k} = {g!r}, want missing")


def check_networkx(problems, name, G, exp, decode_lists, node_skip=(), edge_skip=()):
    nodes, rels = exp["nodes"], exp["relationships"]
    if G.number_of_nodes() != len(nodes):
        problems.add(name, f"{G.number_of_nodes()} nodes, want {len(nodes)}")
    if G.number_of_edges() != len(rels):
        problems.add(name, f"{G.number_of_edges()} relationships, want {len(rels)}")
    if not G.is_directed() or not G.is_multigraph():
        problems.add(name, f"directed={G.is_directed()} multigraph={G.is_multigraph()}, want both")
    for nid, want in nodes.items():
        if nid not in G:
            problems.add(name, f"node {nid} missing")
            continue
        compare_props(problems, f"{name} node {nid}", want, dict(G.nodes[nid]), decode_lists, node_skip)
    seen = set()
    for u, v, key, data in G.edges(keys=True, data=True):
        rid = data.get("id", key)
        seen.add(rid)
        want = rels.get(rid)
        if want is None:
            problems.add(name, f"unexpected relationship {rid!r}")
            continue
        if (u, v) != (want["source"], want["target"]):
            problems.add(name, f"relationship {rid}: {u}->{v}, want {want['source']}->{want['target']}")
        props = {k: x for k, x in want.items() if k not in ("source", "target")}
        compare_props(problems, f"{name} relationship {rid}", props, dict(data), decode_lists, edge_skip)
    for rid in rels:
        if rid not in seen:
            problems.add(name, f"relationship {rid} missing")


def check_json(problems, path, exp):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # edges="edges" is networkx >= 3.4's default; passing it keeps older versions working.
    G = nx.node_link_graph(data, edges="edges")
    check_networkx(problems, "json", G, exp, False, edge_skip=("key",))
    m = G.graph
    want = {"nodes": len(exp["nodes"]), "relationships": len(exp["relationships"]), "sources": exp["sourceCount"]}
    story_ids = exp.get("storyIds", [])
    if story_ids:
        want["stories"] = len(story_ids)
    if m.get("counts") != want:
        problems.add("json", f"manifest counts = {m.get('counts')}, want {want}")
    # The stories travel beside the graph (networkx ignores them; hmkg load reads them).
    got_ids = [s.get("id") for s in data.get("stories", [])]
    if got_ids != story_ids:
        problems.add("json", f"stories {got_ids}, want {story_ids}")
    if len(m.get("sources", [])) != exp["sourceCount"]:
        problems.add("json", f"manifest lists {len(m.get('sources', []))} sources, want {exp['sourceCount']}")


def check_graphml(problems, path, exp):
    G = nx.read_graphml(path, force_multigraph=True)
    check_networkx(problems, "graphml", G, exp, True)
    man = json.loads(G.graph.get("manifest", "{}"))
    if man.get("counts", {}).get("nodes") != len(exp["nodes"]):
        problems.add("graphml", f"manifest counts = {man.get('counts')}")


def check_gexf(problems, path, exp):
    G = nx.read_gexf(path)
    if len(exp["relationships"]) and not G.is_multigraph():
        G = nx.MultiDiGraph(G)  # read_gexf simplifies when no edge is parallel
    check_networkx(problems, "gexf", G, exp, True, node_skip=(), edge_skip=())
    for nid, want in exp["nodes"].items():
        if nid not in G:
            continue
        d = G.nodes[nid]
        if d.get("label") != want["name"]:
            problems.add("gexf", f"node {nid} label = {d.get('label')!r}, want {want['name']!r}")
        if d.get("start") != since(want):
            problems.add("gexf", f"node {nid} start = {d.get('start')!r}, want {since(want)!r}")
        if d.get("end") != want.get("endYear"):
            problems.add("gexf", f"node {nid} end = {d.get('end')!r}, want {want.get('endYear')!r}")
    for u, v, key, d in G.edges(keys=True, data=True):
        want = exp["relationships"].get(d.get("id", key))
        if want and d.get("start") != want.get("year"):
            problems.add("gexf", f"relationship {key} start = {d.get('start')!r}, want {want.get('year')!r}")


def check_igraph(problems, path, exp):
    g = igraph.Graph.Read_GraphML(path)
    nodes, rels = exp["nodes"], exp["relationships"]
    if not g.is_directed():
        problems.add("igraph", "graph is undirected")
    if g.vcount() != len(nodes) or g.ecount() != len(rels):
        problems.add("igraph", f"{g.vcount()} nodes, {g.ecount()} relationships; want {len(nodes)}, {len(rels)}")
        return
    ids = g.vs["id"]
    for v in g.vs:
        want = nodes.get(v["id"])
        if want is None:
            problems.add("igraph", f"unexpected node {v['id']!r}")
            continue
        for k in ("kind", "name", "summary", "question"):
            if (v[k] or None) != want.get(k):
                problems.add("igraph", f"node {v['id']} {k} = {v[k]!r}, want {want.get(k)!r}")
        if json.loads(v["sources"]) != want["sources"]:
            problems.add("igraph", f"node {v['id']} sources = {v['sources']!r}")
        for k in NODE_YEARS:
            if k in want and v[k] != want[k]:
                problems.add("igraph", f"node {v['id']} {k} = {v[k]!r}, want {want[k]!r}")
    got = collections.Counter((ids[e.source], ids[e.target], e["type"]) for e in g.es)
    wanted = collections.Counter((r["source"], r["target"], r["type"]) for r in rels.values())
    if got != wanted:
        problems.add("igraph", f"relationship triples differ: extra {got - wanted}, missing {wanted - got}")


def check_xsd(problems, path, xsd):
    r = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], capture_output=True, text=True)
    if r.returncode != 0:
        problems.add("gexf xsd", (r.stderr or r.stdout).strip()[:2000])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--xsd", help="the GEXF 1.3 schema (gexf.xsd) to validate export.gexf against")
    args = ap.parse_args()
    with open(os.path.join(args.dir, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    problems = Problems()
    checks = [
        ("networkx node_link_graph", check_json, "export.json"),
        ("networkx read_graphml", check_graphml, "export.graphml"),
        ("networkx read_gexf", check_gexf, "export.gexf"),
        ("igraph Read_GraphML", check_igraph, "export.graphml"),
    ]
    for label, fn, name in checks:
        before = len(problems)
        try:
            fn(problems, os.path.join(args.dir, name), exp)
        except Exception as e:  # a reader that fails is a finding, not a crash
            problems.add(label, f"{type(e).__name__}: {e}")
        print(f"{label}: {name}: {'ok' if len(problems) == before else 'FAILED'}")
    if args.xsd:
        before = len(problems)
        check_xsd(problems, os.path.join(args.dir, "export.gexf"), args.xsd)
        print(f"xmllint --schema: export.gexf: {'ok' if len(problems) == before else 'FAILED'}")
    print(f"{len(exp['nodes'])} nodes, {len(exp['relationships'])} relationships, {exp['sourceCount']} sources expected; "
          f"networkx {nx.__version__}, igraph {igraph.__version__}")
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems[:50]:
            print("  " + p, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
