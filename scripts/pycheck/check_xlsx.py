#!/usr/bin/env python3
"""check_xlsx.py EXPORT.xlsx EXPECTED.json: read hmkg's KUMU_XLSX export
with openpyxl (a spreadsheet library other than the Go one that wrote it)
and compare every element, connection and source with what the store
returned.

EXPECTED.json is the file consumers_test.go writes: {"nodes": {id: {prop:
value}}, "relationships": {id: {"source", "target", "type", prop: value}},
"sourceCount": N}. Checks: the sheets are Elements, Connections, Sources
and Manifest; Elements has ID first, then Label, Type, Description, Tags;
Connections starts From, To, Type, Direction; every node and relationship
is there with every property (lists split on "|", years as numbers); the
Manifest counts match. Exit status 1 lists the problems.
"""
import json
import re
import sys

import openpyxl

NODE_PROPS = ("aliases", "region", "country", "category", "startYear", "endYear", "foundedYear",
              "year", "date", "publisher", "url", "role", "question", "sources")
REL_PROPS = ("year", "tensions", "sources")
LISTS = ("aliases", "sources", "tensions")


def field_name(prop):
    """hmkg's display name of a property: startYear -> Start Year, url -> URL."""
    if prop == "url":
        return "URL"
    s = re.sub(r"([A-Z])", r" \1", prop)
    return s[0].upper() + s[1:]


def rows(ws):
    it = ws.iter_rows(values_only=True)
    head = [h for h in next(it)]
    out = []
    for r in it:
        if all(v is None for v in r):
            continue
        out.append({head[i]: v for i, v in enumerate(r) if i < len(head) and head[i] is not None})
    return head, out


def cell(v, prop):
    if v is None or v == "":
        return [] if prop in LISTS else None
    if prop in LISTS:
        return str(v).split("|")
    return v


def main():
    path, expected_path = sys.argv[1], sys.argv[2]
    want = json.load(open(expected_path, encoding="utf-8"))
    wb = openpyxl.load_workbook(path, read_only=True)
    problems = []
    if wb.sheetnames != ["Elements", "Connections", "Sources", "Manifest"]:
        problems.append("sheets: %s" % wb.sheetnames)
    head, elements = rows(wb["Elements"])
    if head[:5] != ["ID", "Label", "Type", "Description", "Tags"]:
        problems.append("Elements header: %s" % head[:5])
    got = {e["ID"]: e for e in elements}
    if len(got) != len(want["nodes"]):
        problems.append("%d elements, want %d" % (len(got), len(want["nodes"])))
    for nid, props in want["nodes"].items():
        e = got.get(nid)
        if e is None:
            problems.append("element %s missing" % nid)
            continue
        checks = {"Label": props.get("name"), "Type": props["kind"].capitalize(), "Description": props.get("summary")}
        for col, v in checks.items():
            if (e.get(col) or None) != v:
                problems.append("element %s: %s = %r, want %r" % (nid, col, e.get(col), v))
        for p in NODE_PROPS:
            w = props.get(p, [] if p in LISTS else None)
            g = cell(e.get(field_name(p)), p)
            if g != w:
                problems.append("element %s: %s = %r, want %r" % (nid, field_name(p), g, w))
    head, conns = rows(wb["Connections"])
    if head[:4] != ["From", "To", "Type", "Direction"]:
        problems.append("Connections header: %s" % head[:4])
    got = {c["ID"]: c for c in conns}
    if len(got) != len(want["relationships"]):
        problems.append("%d connections, want %d" % (len(got), len(want["relationships"])))
    for rid, props in want["relationships"].items():
        c = got.get(rid)
        if c is None:
            problems.append("connection %s missing" % rid)
            continue
        for col, v in {"From": props["source"], "To": props["target"], "Type": props["type"],
                       "Direction": "directed", "Description": props.get("summary")}.items():
            if (c.get(col) or None) != v:
                problems.append("connection %s: %s = %r, want %r" % (rid, col, c.get(col), v))
        for p in REL_PROPS:
            w = props.get(p, [] if p in LISTS else None)
            g = cell(c.get(field_name(p)), p)
            if g != w:
                problems.append("connection %s: %s = %r, want %r" % (rid, field_name(p), g, w))
    _, sources = rows(wb["Sources"])
    if len(sources) != want["sourceCount"]:
        problems.append("%d sources, want %d" % (len(sources), want["sourceCount"]))
    _, manifest = rows(wb["Manifest"])
    m = {r["Field"]: r.get("Value") for r in manifest}
    if m.get("nodes") != len(want["nodes"]) or m.get("relationships") != len(want["relationships"]):
        problems.append("manifest counts: %r" % m)
    if problems:
        print("openpyxl %s: %d problem(s):\n  %s" % (openpyxl.__version__, len(problems), "\n  ".join(problems[:50])))
        sys.exit(1)
    print("openpyxl %s: %s: %d elements, %d connections, %d sources: ok" % (
        openpyxl.__version__, path.rsplit("/", 1)[-1], len(elements), len(conns), len(sources)))


if __name__ == "__main__":
    main()
