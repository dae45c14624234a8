#!/usr/bin/env python3
"""check_metrics.py FILE... [--xsd GEXF_XSD]: check the node metrics hmkg
writes into its GraphML and GEXF exports against networkx 3, reading each
file the way an analyst would.

For each file: networkx reads it (read_graphml / read_gexf), rebuilds the
selection from the file alone (nodes with their "kind", every relationship as
a directed edge), recomputes every metric with metrics.reference (the
definitions hmkg documents) and compares it with the node's attribute in the
file within 1e-9; checks that the manifest says the metrics were computed,
that the file's communities (the "community" attribute) have the modularity
the manifest states and networkx computes (within 1e-9), that networkx's own
Louvain reaches a modularity within 0.02 of it, and that every member of a
community carries the community's label. With --xsd, xmllint validates GEXF
files against the official schema. Exit status 1 lists the problems.
"""
import argparse
import collections
import html
import json
import os
import re
import subprocess
import sys

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics import reference  # noqa: E402

FLOATS = ("degreeCentrality", "betweenness", "closeness", "pageRank", "eigenvector", "brokerage")
INTS = ("degree", "inDegree", "outDegree")
TOL = 1e-9


def read(path):
    """The file's graph and its manifest (a dict)."""
    if path.endswith(".graphml"):
        G = nx.read_graphml(path, force_multigraph=True)
        return G, json.loads(G.graph.get("manifest", "{}"))
    G = nx.read_gexf(path)
    # networkx keeps GEXF's <meta> only partly; read the description itself.
    with open(path, encoding="utf-8") as f:
        m = re.search(r"<description>(.*?)</description>", f.read(), re.S)
    return G, json.loads(html.unescape(m.group(1))) if m else {}


def check(path, problems):
    name = os.path.basename(path)
    G, manifest = read(path)
    note = manifest.get("metrics") or {}
    if not note.get("computed"):
        problems.append(f"{name}: the manifest says metrics were not computed: {note}")
        return None
    ids = list(G.nodes)
    kinds = {n: G.nodes[n]["kind"] for n in ids}
    edges = [(u, v) for u, v, *_ in G.edges]
    comms = collections.defaultdict(list)
    labels = collections.defaultdict(set)
    for n in ids:
        d = G.nodes[n]
        comms[d["community"]].append(n)
        labels[d["community"]].add(d.get("communityLabel", ""))
    ref = reference(ids, kinds, edges, list(comms.values()))
    bad = 0
    worst = 0.0
    for n in ids:
        d, want = G.nodes[n], ref["nodes"][n]
        for k in INTS:
            if int(d[k]) != want[k]:
                bad += 1
                if bad <= 20:
                    problems.append(f"{name}: {n} {k} = {d[k]}, networkx {want[k]}")
        for k in FLOATS:
            diff = abs(float(d[k]) - want[k])
            worst = max(worst, diff)
            if diff > TOL:
                bad += 1
                if bad <= 20:
                    problems.append(f"{name}: {n} {k} = {d[k]!r}, networkx {want[k]!r}")
    q = note.get("modularity", 0.0)
    if abs(ref["modularityOfOurs"] - q) > TOL:
        problems.append(f"{name}: modularity of the file's communities: networkx {ref['modularityOfOurs']}, manifest {q}")
    louvain = ref.get("louvainModularity", 0.0)
    if abs(louvain - q) > 0.02:
        problems.append(f"{name}: modularity {q}, networkx's Louvain {louvain} (allowed difference 0.02)")
    if note.get("communities") != len(comms):
        problems.append(f"{name}: manifest says {note.get('communities')} communities, the file has {len(comms)}")
    for c, ls in labels.items():
        if len(ls) != 1 or "" in ls:
            problems.append(f"{name}: community {c} has labels {sorted(ls)}")
    print(f"{name}: {len(ids)} nodes, {ref['edges']} edges, {len(comms)} communities: "
          f"every metric within {TOL} of networkx (largest difference {worst:.3g}); "
          f"modularity {q:.6f}, networkx Louvain {louvain:.6f}")
    return ref


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--xsd")
    args = ap.parse_args()
    problems = []
    for path in args.files:
        check(path, problems)
        if args.xsd and path.endswith(".gexf"):
            r = subprocess.run(["xmllint", "--noout", "--schema", args.xsd, path], capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"{os.path.basename(path)}: xsd: {(r.stderr or r.stdout).strip()[:2000]}")
            else:
                print(f"xmllint --schema: {os.path.basename(path)}: ok")
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
