"""Build-side outputs beside the dataset: source kinds, mirror and URL checks,
disputes ready for a later model change, data/CHANGES.md and figures.

Called by build.py; standard library only.
"""

import re
import urllib.parse

NAMED = ["aids-movement", "breast-cancer-movement", "disability-rights-movement"]
TENSIONS = ["formal-vs-restless", "accountability", "co-option", "limits-of-movements", "scale-vs-agility"]


def host(url):
    h = urllib.parse.urlparse(url).netloc.lower().rstrip(".")
    return h[4:] if h.startswith("www.") else h


def _in(h, hosts):
    return any(h == x or h.endswith("." + x) for x in hosts)


def classify_sources(ds, cfg):
    out = {}
    for s in ds["sources"]:
        h = host(s["url"])
        if s["id"] in cfg.get("kindOverrides", {}):
            out[s["id"]] = cfg["kindOverrides"][s["id"]]
        elif _in(h, cfg["mirrorHosts"]):
            out[s["id"]] = "mirror"
        elif _in(h, cfg["archiveHosts"]):
            out[s["id"]] = "archive"
        elif _in(h, cfg.get("primaryHosts", [])):
            out[s["id"]] = "primary"
        else:
            out[s["id"]] = "secondary"
    return dict(sorted(out.items()))


def mirror_only(ds, kinds):
    out = []
    for sec in ("nodes", "relationships"):
        for r in ds[sec]:
            if r["sources"] and all(kinds.get(s) == "mirror" for s in r["sources"]):
                out.append("%s %s cites only mirrors: %s" % (sec[:-1], r["id"], ", ".join(r["sources"])))
    return out


def url_problems(ds, cfg):
    """Upgrades http URLs on hosts known to serve https; any other non-https
    URL needs a reason in source_kinds.json's httpReasons."""
    out = []
    up = cfg.get("httpsHosts", [])
    for s in ds["sources"]:
        u = urllib.parse.urlparse(s["url"])
        if u.scheme == "http" and _in(host(s["url"]), up):
            s["url"] = "https" + s["url"][4:]
            u = urllib.parse.urlparse(s["url"])
        if u.scheme not in ("http", "https") or not u.netloc or " " in s["url"] or u.netloc.endswith("."):
            if s["id"] not in cfg.get("urlReasons", {}):
                out.append("source %s: malformed URL %s" % (s["id"], s["url"]))
        elif u.scheme != "https" and s["id"] not in cfg.get("urlReasons", {}):
            out.append("source %s: non-https URL %s without a reason" % (s["id"], s["url"]))
    return out


def _rel_for(ds, ids, about):
    parts = about.split("|")
    frm, typ, to = ids.get(parts[0], parts[0]), parts[1], ids.get(parts[2], parts[2])
    year = int(parts[3]) if len(parts) > 3 else None
    hits = [r for r in ds["relationships"] if r["from"] == frm and r["type"] == typ and r["to"] == to
            and (year is None or r.get("year") == year)]
    return hits[0]["id"] if len(hits) == 1 else None


def disputes(second, contradictions, ids, ds):
    """Normalises the supplement's disputes and notes.md's contradictions to
    {about, aboutKind, claim, positions: [{says, sourceIds}], note, origin}."""
    nodes = {n["id"] for n in ds["nodes"]}
    out, unresolved = [], []
    for origin, items in (("health-movements.facts-2.json disputes", second.get("disputes", [])),
                          ("notes.md contradictions", contradictions.get("contradictions", []))):
        for d in items:
            about = d["about"]
            if "|" in about:
                rid = _rel_for(ds, ids, about)
                kind = "relationship"
            else:
                rid = ids.get(about, about)
                kind = "node"
                if rid not in nodes:
                    rid = None
            rec = {"about": rid or about, "aboutKind": kind, "claim": d["claim"],
                   "positions": [{"says": p["says"], "sourceIds": sorted(ids.get(s, s) for s in p["sourceIds"])}
                                 for p in d["positions"]],
                   "note": d.get("note", ""),
                   "origin": "project research in stored pages" if d.get("ref") == "project"
                   else origin + (" " + d["ref"] if d.get("ref") else "")}
            if rid is None:
                rec["unresolved"] = "about %s does not match one node or relationship of the dataset" % about
                unresolved.append(about)
            out.append(rec)
    return {"_comment": "Contested claims, loaded into data/health-movements.json's disputes section by build.py "
                        "(without origin). about is a node id or relationship id of the dataset; each position "
                        "cites its own sources (dataset source ids).",
            "disputes": out}


# A dispute about a relationship marks it DISPUTED when its claim asks
# whether the relationship holds or who holds it (its existence, type or
# endpoints: "Whether ...", "Who ..."); a dispute about a date, a figure or
# another detail that every position accepts leaves it ASSERTED with the
# dispute attached. Node disputes never change a relationship's status.
HOLDING_CLAIM = ("Whether ", "Who ")


def contests_holding(d):
    return d["aboutKind"] == "relationship" and d["claim"].startswith(HOLDING_CLAIM)


def load_disputes(ds, disputes, source_kinds):
    """Puts what the model now holds into the dataset: each source's kind
    (upper case, the API's enum), the disputes section (the model's fields
    only: origin stays in disputes.json) and the DISPUTED status of the
    relationships whose holding a dispute contests. Returns problems."""
    problems = []
    for s in ds["sources"]:
        kind = source_kinds.get(s["id"])
        if kind is None:
            problems.append("source %s has no kind" % s["id"])
            continue
        s["kind"] = kind.upper()
    rels = {r.get("id") or "%s:%s:%s%s" % (r["from"], r["type"], r["to"], ":%d" % r["year"] if r.get("year") else ""): r
            for r in ds["relationships"]}
    nodes = {n["id"] for n in ds["nodes"]}
    out = []
    for d in disputes:
        if d.get("unresolved"):
            problems.append("dispute %r: %s" % (d["claim"], d["unresolved"]))
            continue
        if (d["about"] not in nodes) if d["aboutKind"] == "node" else (d["about"] not in rels):
            problems.append("dispute %r: about %s is not in the dataset" % (d["claim"], d["about"]))
            continue
        if any(not p["sourceIds"] for p in d["positions"]):
            # The model wants every side cited by a dataset source; a side
            # read elsewhere stays in disputes.json until a source is found.
            print("dispute left out (a side cites no dataset source): %s: %s" % (d["about"], d["claim"]))
            continue
        rec = {"about": d["about"], "aboutKind": d["aboutKind"], "claim": d["claim"], "positions": d["positions"]}
        if d.get("note"):
            rec["note"] = d["note"]
        out.append(rec)
        if contests_holding(d):
            rels[d["about"]]["status"] = "DISPUTED"
    ds["disputes"] = out
    return problems


def changes_md(log, ids, fixes):
    def sid(x):
        return ids.get(x, x)

    def tgt(t):
        return " ".join(sid(p) if i != 1 else p for i, p in enumerate(t.split("|"))) if "|" in t else sid(t)

    def val(v):
        if isinstance(v, list):
            return ", ".join(sid(x) for x in v) or "(none)"
        if v is None:
            return "(none)"
        s = str(v)
        return s if len(s) < 140 else s[:137] + "..."

    lines = ["# Changes to the curated dataset (2026.12.0)", "",
             "Generated by `scripts/dataset/build.py` from the supplement's corrections",
             "(`health-movements.facts-2.json`) and the project's own fixes (`scripts/dataset/fixes.json`).",
             "Ids are the dataset's (slugs); a relationship is `from TYPE to [year]` as it was first recorded.",
             "Each entry gives what changed, why, and the sources that back the change.", ""]
    sections = [("Supplement corrections", lambda c: c.origin.startswith("supplement")),
                ("Project fixes", lambda c: not c.origin.startswith("supplement"))]
    for title, keep in sections:
        lines += ["## " + title, ""]
        for c in log:
            if not keep(c):
                continue
            lines.append("- **%s** — `%s`: %s → %s. %s Sources: %s. (%s)" % (
                tgt(c.target), c.field, val(c.old), val(c.new), c.why.strip(),
                val(c.sources) if c.sources else "as cited on the record", c.origin))
        lines.append("")
    lines += ["## Other rules applied by the build", ""]
    for r in fixes.get("notes", []):
        lines.append("- " + r)
    lines.append("")
    return "\n".join(lines)


def stats(ds, origins, kinds):
    rels = ds["relationships"]
    deg, members = {}, {}
    for r in rels:
        deg[r["from"]] = deg.get(r["from"], 0) + 1
        deg[r["to"]] = deg.get(r["to"], 0) + 1
    ep = {t: 0 for t in TENSIONS}
    for r in rels:
        for t in r.get("tensions", []):
            ep[t] = ep.get(t, 0) + 1
    named = {}
    for m in NAMED:
        mem = {m} | {r["from"] for r in rels if r["type"] == "PART_OF" and r["to"] == m}
        direct = [r for r in rels if m in (r["from"], r["to"])]
        comm = [r for r in rels if r["from"] in mem or r["to"] in mem]
        named[m] = {"direct": len(direct), "directNotPartOf": sum(1 for r in direct if r["type"] != "PART_OF"),
                    "directTensionEpisodes": sum(1 for r in direct if r.get("tensions")),
                    "withMembers": len(comm), "tensionEpisodesWithMembers": sum(1 for r in comm if r.get("tensions"))}
    facts = [x for x in ds["nodes"] + rels]
    anym = sum(1 for x in facts if any(kinds.get(s) == "mirror" for s in x["sources"]))
    onlym = sum(1 for x in facts if all(kinds.get(s) == "mirror" for s in x["sources"]))
    written = sum(1 for r in rels if origins[r["id"]] != "derived")
    return {"nodes": len(ds["nodes"]), "relationships": len(rels), "sources": len(ds["sources"]),
            "relationshipsFromSources": written, "relationshipsDerived": len(rels) - written,
            "factsCitingAMirror": anym, "factsCitingOnlyMirrors": onlym, "facts": len(facts),
            "mirrorSources": sum(1 for v in kinds.values() if v == "mirror"),
            "sourceKinds": {k: sum(1 for v in kinds.values() if v == k) for k in ("primary", "secondary", "mirror", "archive")},
            "isolatedNodes": sum(1 for n in ds["nodes"] if n["id"] not in deg),
            "tensionEpisodes": ep, "named": named}
