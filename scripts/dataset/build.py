#!/usr/bin/env python3
"""Build data/health-movements.json from the researched facts file.

Usage (from the repository root):

    python3 scripts/dataset/build.py [FACTS_JSON] [-o OUT] [--init-ids] [--report]

FACTS_JSON defaults to ../shared/data/health-movements.facts.json relative to
the repository root. The output is written deterministically (records sorted
by id, one record per line), so rebuilding from the same inputs gives a
byte-identical file.

Inputs committed next to this script:
  ids.json        facts id -> slug id (nodes and sources). Keeps ids stable.
                  --init-ids adds slugs for facts ids that are missing.
  summaries.json  node id or relationship id -> summary in our own words.
  overrides.json  small, documented corrections (event dates normalised to
                  ISO 8601 partial dates, relationship merges).

Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_FACTS = os.path.join(os.path.dirname(REPO), "shared", "data", "health-movements.facts.json")
DEFAULT_OUT = os.path.join(REPO, "data", "health-movements.json")

NAME = "health-movements"
VERSION = "2026.11.0"
DESCRIPTION = (
    "Curated knowledge graph of health social movements, derived from researched facts "
    "in which every record cites public sources (health-movements.facts.json); summaries "
    "are our own wording of those facts. It centres on the three exemplar movements named "
    "by Nesta's 'Health as a Social Movement' work (AIDS, breast cancer, disability rights) "
    "and the five tensions between movements and institutions that Nesta names. Known caveats "
    "(unverified facts, contradictions between sources, modelling choices) are listed in "
    "data/README.md."
)

MOVEMENT_IDS = set()
TENSION_IDS = set()
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

KIND = {
    "movements": "MOVEMENT",
    "organisations": "ORGANISATION",
    "institutions": "INSTITUTION",
    "reports": "REPORT",
    "people": "PERSON",
    "events": "EVENT",
    "tensions": "TENSION",
}


def slugify(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > 100:
        text = text[:100].rsplit("-", 1)[0]
    return text


def node_name(kind, rec):
    return rec["title"] if kind == "reports" else rec["name"]


def propose_slug(kind, rec):
    """A first slug for a facts record; ids.json is the committed truth."""
    if kind == "sources":
        base = rec["id"][2:] if rec["id"].startswith("s_") else rec["id"]
        s = slugify(base.replace("_", " "))
        if rec.get("year") and not re.search(r"(19|20)\d\d", s):
            s += "-%d" % rec["year"]
        return s
    name = node_name(kind, rec)
    m = re.match(r"^(.*?)\s*\(([A-Z][A-Z0-9.&]{1,7})\)\s*$", name)
    if m and kind in ("organisations", "institutions"):
        return slugify(m.group(2).replace(".", ""))
    name = re.sub(r"\s*\([^)]*\)", "", name)
    return slugify(name)


def load_json(path, default=None):
    if not os.path.exists(path):
        if default is not None:
            return default
        sys.exit("missing %s" % path)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def init_ids(facts, ids):
    taken = set(ids.values())
    for kind in ["sources"] + list(KIND):
        for rec in facts[kind]:
            if rec["id"] in ids:
                continue
            s = propose_slug(kind, rec)
            base, n = s, 2
            while s in taken:
                s = "%s-%d" % (base, n)
                n += 1
            ids[rec["id"]] = s
            taken.add(s)
    return ids


def rel_id(frm, typ, to, year):
    rid = "%s:%s:%s" % (frm, typ, to)
    if year is not None:
        rid += ":%d" % year
    return rid


def build(facts, ids, summaries, overrides):
    problems = []
    stale = []  # ids whose summary is not in summaries.json

    def slug(fid):
        if fid not in ids:
            problems.append("no slug for %s (run with --init-ids)" % fid)
            return fid
        return ids[fid]

    slugs = list(ids.values())
    dup = {s for s in slugs if slugs.count(s) > 1}
    for s in sorted(dup):
        problems.append("slug %s used twice in ids.json" % s)
    for s in slugs:
        if not SLUG_RE.match(s) or len(s) > 100:
            problems.append("bad slug %s" % s)

    sources = []
    for s in facts["sources"]:
        out = {"id": slug(s["id"]), "title": s["title"], "url": s["url"]}
        if s.get("publisher"):
            out["publisher"] = s["publisher"]
        if s.get("year") is not None:
            out["year"] = s["year"]
        sources.append(out)

    def srcs(rec):
        return sorted({slug(x) for x in rec["sourceIds"]})

    def name_aliases(name):
        """Short forms already spelt out in a name such as "US Food and Drug
        Administration (FDA)" or "ACT UP (AIDS Coalition to Unleash Power)",
        so that searching for the short form finds the node. Nothing beyond
        the name itself is added."""
        m = re.fullmatch(r"(.+?) \(([^()]+)\)", name)
        if not m:
            return []
        base, paren = m.group(1).strip(), m.group(2).strip()
        if " " not in paren and any(c.isupper() for c in paren):
            return [paren]
        if not any(c.islower() for c in base):
            expansion = paren.split(";")[0].strip()
            initials = "".join(w[0] for w in expansion.split() if w[0].isupper())
            letters = "".join(c for c in base if c.isalnum())
            return [base, expansion] if initials == letters else [base]
        return []

    names = {}
    nodes = []
    date_fix = overrides.get("eventDates", {})
    for kind, k in KIND.items():
        for rec in facts[kind]:
            n = {"id": slug(rec["id"]), "kind": k, "name": node_name(kind, rec)}
            names[n["id"]] = n["name"]
            if kind == "movements":
                if rec.get("aka"):
                    n["aliases"] = list(rec["aka"])
                n["region"] = rec.get("region")
                n["startYear"] = rec.get("startYear")
                n["endYear"] = rec.get("endYear")
            elif kind == "organisations":
                n["aliases"] = name_aliases(n["name"])
                n["category"] = rec.get("kind")
                n["foundedYear"] = rec.get("founded")
                n["region"] = rec.get("region")
            elif kind == "institutions":
                n["aliases"] = name_aliases(n["name"])
                n["category"] = rec.get("kind")
                n["country"] = rec.get("country")
            elif kind == "reports":
                n["year"] = rec.get("year")
                n["url"] = rec.get("url")
                if rec.get("publisher"):
                    n["publisher"] = slug(rec["publisher"])
            elif kind == "people":
                n["role"] = rec.get("role")
            elif kind == "events":
                n["year"] = rec.get("year")
                n["date"] = date_fix.get(rec["id"], rec.get("date"))
            elif kind == "tensions":
                n["question"] = rec.get("question")
            n["sources"] = srcs(rec)
            n = {a: b for a, b in n.items() if b not in (None, "", [])}
            n["sources"] = srcs(rec)
            nodes.append((kind, rec, n))

    rels = {}
    merged = []

    def add_rel(frm, typ, to, year, summary_key_default, tensions, sources, origin):
        rid = rel_id(frm, typ, to, year)
        if rid in rels:
            r = rels[rid]
            r["sources"] = sorted(set(r["sources"]) | set(sources))
            r["tensions"] = sorted(set(r.get("tensions", [])) | set(tensions))
            merged.append("%s (%s)" % (rid, origin))
            return
        r = {"id": rid, "type": typ, "from": frm, "to": to}
        if year is not None:
            r["year"] = year
        r["_default"] = summary_key_default
        if tensions:
            r["tensions"] = sorted(set(tensions))
        r["sources"] = sorted(set(sources))
        rels[rid] = r

    for fr in facts["relationships"]:
        add_rel(slug(fr["from"]), fr["type"], slug(fr["to"]), fr.get("year"),
                ("facts", fr["summary"]), [slug(t) for t in fr.get("tensionIds", [])],
                srcs(fr), "facts")

    def has_rel(frm, typ, to):
        return any(r["from"] == frm and r["type"] == typ and r["to"] == to for r in rels.values())

    for kind, rec, n in nodes:
        if kind == "organisations" and rec.get("movementId"):
            m = slug(rec["movementId"])
            if not has_rel(n["id"], "PART_OF", m):
                add_rel(n["id"], "PART_OF", m, None,
                        ("derived", "%s is listed as an organisation of this movement (%s)." % (n["name"], names[m])),
                        [], n["sources"], "organisation.movementId")
        if kind == "events":
            if rec.get("movementId"):
                m = slug(rec["movementId"])
                if not has_rel(n["id"], "PART_OF", m):
                    add_rel(n["id"], "PART_OF", m, None,
                            ("derived", "The event '%s' is recorded as an episode of this movement (%s)." % (n["name"], names[m])),
                            [], n["sources"], "event.movementId")
            for inst in rec.get("institutionIds") or []:
                i = slug(inst)
                if not has_rel(n["id"], "INVOLVED", i):
                    add_rel(n["id"], "INVOLVED", i, None,
                            ("derived", "%s is recorded as one of the institutions involved in '%s'." % (names[i], n["name"])),
                            [], n["sources"], "event.institutionIds")
        if kind == "reports" and rec.get("publisher"):
            p = slug(rec["publisher"])
            if not has_rel(p, "PUBLISHED", n["id"]):
                add_rel(p, "PUBLISHED", n["id"], rec.get("year"),
                        ("derived", "%s is the publisher of '%s'." % (names[p], n["name"])),
                        [], n["sources"], "report.publisher")

    out_nodes = []
    composed = []
    for kind, rec, n in nodes:
        s = summaries.get(n["id"])
        if s:
            n["summary"] = s
        elif rec.get("summary"):
            n["summary"] = rec["summary"]
            stale.append(n["id"])
        else:
            n["summary"] = compose_summary(kind, n, rels, names)
            composed.append(n["id"])
        out_nodes.append(n)

    out_rels = []
    for rid, r in rels.items():
        origin, text = r.pop("_default")
        s = summaries.get(rid)
        if s:
            r["summary"] = s
        else:
            r["summary"] = text
            if origin == "facts":
                stale.append(rid)
        out_rels.append(r)

    unknown = sorted(set(summaries) - {n["id"] for n in out_nodes} - set(rels))
    for u in unknown:
        problems.append("summaries.json has an entry for unknown id %s" % u)

    order = ["id", "kind", "name", "summary", "aliases", "region", "country", "category",
             "startYear", "endYear", "foundedYear", "year", "date", "publisher", "url", "role",
             "question", "sources"]
    out_nodes = [{k: n[k] for k in order if k in n} for n in sorted(out_nodes, key=lambda n: n["id"])]
    rorder = ["id", "type", "from", "to", "year", "summary", "tensions", "sources"]
    out_rels = [{k: r[k] for k in rorder if k in r} for r in sorted(out_rels, key=lambda r: r["id"])]
    sources.sort(key=lambda s: s["id"])
    ds = {
        "name": NAME,
        "version": VERSION,
        "description": DESCRIPTION,
        "sources": sources,
        "nodes": out_nodes,
        "relationships": out_rels,
    }
    return ds, problems, stale, merged, composed


CATEGORY = {
    "grassroots": "Grassroots group",
    "charity": "Charity",
    "coalition": "Coalition",
    "social-enterprise": "Social enterprise",
    "government": "Government body",
    "health-system": "Health-system body",
    "regulator": "Regulator",
    "think-tank": "Think tank or independent research body",
    "research-funder": "Research funder",
    "industry": "Company or commercial body",
    "international": "International body",
}

# How a relationship reads from each end, for composed summaries.
OUT_PHRASE = {
    "FOUNDED": "founded %s", "LED": "led %s", "ORGANISED": "organised %s",
    "CHALLENGED": "challenged %s", "TARGETED": "targeted %s",
    "INFLUENCED_POLICY_OF": "influenced the policy of %s", "PARTNERED_WITH": "worked with %s",
    "INSPIRED": "inspired %s", "PUBLISHED": "published %s", "FUNDED_BY": "received funding from %s",
    "DESCRIBES": "is cited as an illustration of %s", "CO_OPTED_BY": "was criticised as co-opted by %s",
    "INVOLVED": "involved %s", "PART_OF": "is counted as part of %s",
}
IN_PHRASE = {
    "FOUNDED": "was founded by %s", "LED": "was led by %s", "ORGANISED": "was organised by %s",
    "CHALLENGED": "was challenged by %s", "TARGETED": "was targeted by %s",
    "INFLUENCED_POLICY_OF": "saw its policy influenced by %s", "PARTNERED_WITH": "worked with %s",
    "INSPIRED": "drew inspiration from %s", "PUBLISHED": "was published by %s", "FUNDED_BY": "funded %s",
    "DESCRIBES": "is described in %s", "CO_OPTED_BY": "was criticised for co-opting %s",
    "INVOLVED": "was involved in %s", "PART_OF": "includes %s",
}
PHRASE_ORDER = ["FOUNDED", "LED", "ORGANISED", "CHALLENGED", "TARGETED", "INFLUENCED_POLICY_OF",
                "PUBLISHED", "FUNDED_BY", "PARTNERED_WITH", "INSPIRED", "CO_OPTED_BY", "DESCRIBES",
                "INVOLVED", "PART_OF"]


def short(name):
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def compose_summary(kind, n, rels, names):
    """A factual summary built only from the node's own fields and its relationships."""
    if kind == "organisations":
        base = CATEGORY.get(n.get("category"), "Organisation")
        part = [r for r in rels.values() if r["from"] == n["id"] and r["type"] == "PART_OF"
                and names.get(r["to"]) and r["to"] in MOVEMENT_IDS]
        if part:
            base += " in the %s" % names[part[0]["to"]]
        if n.get("foundedYear"):
            base += ", founded in %d" % n["foundedYear"]
        if n.get("region"):
            base += "; active in %s" % n["region"]
        base += "."
    elif kind == "institutions":
        base = CATEGORY.get(n.get("category"), "Institution")
        if n.get("country"):
            base += " (%s)" % n["country"]
        base += "."
    elif kind == "people":
        base = "Role: %s." % n["role"].rstrip(".") if n.get("role") else ""
    else:
        base = ""
    phrases = []
    seen = set()
    mine = [r for r in rels.values() if n["id"] in (r["from"], r["to"])]
    mine.sort(key=lambda r: (PHRASE_ORDER.index(r["type"]), r.get("year") or 0, r["id"]))
    for r in mine:
        if r["type"] == "PART_OF" and r["from"] == n["id"] and kind == "organisations":
            continue
        out = r["from"] == n["id"]
        other = r["to"] if out else r["from"]
        if out and r["type"] == "DESCRIBES":
            if other in TENSION_IDS:
                ph = "is cited as an episode of the tension '%s'" % names[other]
            else:
                ph = "described %s" % short(names[other])
        else:
            ph = (OUT_PHRASE if out else IN_PHRASE)[r["type"]] % short(names[other])
        if r.get("year") and r["type"] not in ("PART_OF",):
            ph += " (%d)" % r["year"]
        if ph in seen:
            continue
        seen.add(ph)
        phrases.append(ph)
    if phrases:
        more = ""
        if len(phrases) > 4:
            more = ", among %d recorded links" % len(phrases)
        text = "; ".join(phrases[:4])
        subject = short(n["name"]) if kind == "people" else "it"
        base += (" " if base else "") + "In this graph %s %s%s." % (subject, text, more)
    return base


def dump(ds):
    lines = ["{"]
    for key in ("name", "version", "description"):
        lines.append(" %s: %s," % (json.dumps(key), json.dumps(ds[key], ensure_ascii=False)))
    parts = []
    for key in ("sources", "nodes", "relationships"):
        recs = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in ds[key]]
        parts.append(" %s: [\n  %s\n ]" % (json.dumps(key), ",\n  ".join(recs)))
    lines.append(",\n".join(parts))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("facts", nargs="?", default=DEFAULT_FACTS)
    ap.add_argument("-o", "--out", default=DEFAULT_OUT)
    ap.add_argument("--init-ids", action="store_true", help="add slugs for facts ids missing from ids.json")
    ap.add_argument("--report", action="store_true", help="list records whose summary still uses facts wording")
    a = ap.parse_args()

    facts = load_json(a.facts)
    ids_path = os.path.join(HERE, "ids.json")
    ids = load_json(ids_path, {})
    if a.init_ids:
        ids = init_ids(facts, ids)
        write_json(ids_path, ids)
    summaries = load_json(os.path.join(HERE, "summaries.json"), {})
    overrides = load_json(os.path.join(HERE, "overrides.json"), {})

    global MOVEMENT_IDS
    MOVEMENT_IDS = {ids[m["id"]] for m in facts["movements"] if m["id"] in ids}
    TENSION_IDS.update(ids[t["id"]] for t in facts["tensions"] if t["id"] in ids)
    ds, problems, stale, merged, composed = build(facts, ids, summaries, overrides)
    if problems:
        for p in problems:
            print("error:", p, file=sys.stderr)
        sys.exit(1)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(dump(ds))
    kinds = {}
    for n in ds["nodes"]:
        kinds[n["kind"]] = kinds.get(n["kind"], 0) + 1
    types = {}
    for r in ds["relationships"]:
        types[r["type"]] = types.get(r["type"], 0) + 1
    print("wrote %s: %d sources, %d nodes, %d relationships" % (
        os.path.relpath(a.out), len(ds["sources"]), len(ds["nodes"]), len(ds["relationships"])))
    print("nodes by kind:", json.dumps(dict(sorted(kinds.items()))))
    print("relationships by type:", json.dumps(dict(sorted(types.items()))))
    print("merged duplicates:", len(merged))
    for m in merged:
        print("  merged", m)
    print("summaries composed from fields and relationships: %d" % len(composed))
    print("summaries still in facts wording: %d" % len(stale))
    if a.report:
        for s in stale:
            print("  ", s)


if __name__ == "__main__":
    main()
