#!/usr/bin/env python3
"""Build data/health-movements.json from the researched facts files.

One file (over 500 lines) because the build is one ordered pipeline: read,
merge corrections (merge.py), add extras (extras.py), check, write; its steps
share the id and source tables built at the start.

Usage (from the repository root):

    python3 scripts/dataset/build.py [FACTS_JSON [FACTS2_JSON]] [-o OUT] [--init-ids] [--report]

FACTS_JSON and FACTS2_JSON default to health-movements.facts.json and its
supplement health-movements.facts-2.json in ../shared/data (or
$HMKG_FACTS_DIR). The output is written deterministically (records sorted by
id, one record per line), so rebuilding from the same inputs gives a
byte-identical file.

Inputs committed next to this script:
  ids.json                   facts id -> slug id (nodes and sources). Keeps ids
                             stable. --init-ids adds slugs for missing ids.
  summaries.json             node or relationship id -> summary in our words.
  summaries-supplement.json  the same for the supplement's records.
  overrides.json             event dates, malformed source hosts, aliases.
  fixes.json                 the project's corrections, merges, removals,
                             additions and tension tags (see merge.py).
  contradictions.json        notes.md's contradictions, for disputes.json.
Outputs besides the dataset: data/CHANGES.md, source_kinds.json (computed
kinds), disputes.json and stats.json (see extras.py).

Length: about 590 lines. The conversion, the composed-summary rules and the
command line stay together here because they share the id map and the
relationship table; merging and corrections live in merge.py, side outputs in
extras.py.

Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extras  # noqa: E402
import merge  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
def _facts_dir():
    for d in (os.environ.get("HMKG_FACTS_DIR"), os.path.join(os.path.dirname(REPO), "shared", "data"),
              os.path.join(os.path.dirname(os.path.dirname(REPO)), "shared", "data"), "/work/shared/data"):
        if d and os.path.exists(os.path.join(d, "health-movements.facts.json")):
            return d
    return os.path.join(os.path.dirname(REPO), "shared", "data")


DEFAULT_FACTS = os.path.join(_facts_dir(), "health-movements.facts.json")
DEFAULT_FACTS2 = os.path.join(_facts_dir(), "health-movements.facts-2.json")
DEFAULT_OUT = os.path.join(REPO, "data", "health-movements.json")

NAME = "health-movements"
VERSION = "2026.12.0"
DESCRIPTION = (
    "Curated knowledge graph of health social movements, derived from researched facts "
    "in which every record cites public sources (health-movements.facts.json and its "
    "supplement health-movements.facts-2.json, whose corrections are applied and listed in "
    "data/CHANGES.md); summaries are our own wording of those facts or the researchers' own. It centres on the three exemplar movements named "
    "by Nesta's 'Health as a Social Movement' work (AIDS, breast cancer, disability rights) "
    "and the five tensions between movements and institutions that Nesta names. Known caveats "
    "(unverified facts, contradictions between sources, modelling choices) are listed in "
    "data/README.md."
)

MOVEMENT_IDS = set()
# our wording of the supplement's node summaries and of corrected ones
SUPPLEMENT_WORDING = {}
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


PLACES = {"England", "Scotland", "Wales", "UK", "US", "USA", "United States", "United Kingdom", "International",
          "London", "New York", "Northern Ireland"}


def name_aliases(name):
    """Short forms already spelt out in a name such as "US Food and Drug
    Administration (FDA)" or "ACT UP (AIDS Coalition to Unleash Power)", so
    that searching for the short form finds the node. A bracketed place or
    qualifier ("(England)", "(US)") is not a name and gives no alias."""
    m = re.fullmatch(r"(.+?) \(([^()]+)\)", name)
    if not m:
        return []
    base, paren = m.group(1).strip(), m.group(2).strip()
    if paren in PLACES:
        return []
    if " " not in paren and any(c.isupper() for c in paren):
        return [paren]
    if not any(c.islower() for c in base):
        expansion = paren.split(";")[0].strip()
        initials = "".join(w[0] for w in expansion.split() if w[0].isupper())
        letters = "".join(c for c in base if c.isalnum())
        return [base, expansion] if initials == letters else [base]
    return []


def first_sentence(text):
    m = re.match(r"(.+?[.!?])(\s|$)", text or "")
    return m.group(1) if m else (text or "")


def build(facts, ids, summaries, overrides, corrected_summary):
    problems = []
    stale = []  # ids whose summary is in the facts' (researchers') wording

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

    url_fix = overrides.get("sourceUrls", {})
    sources = []
    for s in facts["sources"]:
        out = {"id": slug(s["id"]), "title": s["title"], "url": url_fix.get(s["id"], s["url"])}
        if s.get("publisher"):
            out["publisher"] = s["publisher"]
        if s.get("year") is not None:
            out["year"] = s["year"]
        sources.append(out)

    def srcs(rec):
        return sorted({slug(x) for x in rec["sourceIds"]})

    names = {}
    nodes = []
    date_fix = overrides.get("eventDates", {})
    alias_fix = overrides.get("aliases", {})
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
                n["foundedYear"] = rec.get("founded")
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
            if n["id"] in alias_fix:
                n["aliases"] = alias_fix[n["id"]]
            n = {a: b for a, b in n.items() if b not in (None, "", [])}
            n["sources"] = srcs(rec)
            nodes.append((kind, rec, n))

    # An alias shared by two nodes is kept only where it is the node's own
    # short name (derived from its name), never where it came from an aka list.
    owners = {}
    for kind, rec, n in nodes:
        for a in n.get("aliases", []):
            owners.setdefault(a.lower(), []).append((kind, n))
    for a, own in owners.items():
        if len(own) > 1:
            keep = [n for kind, n in own if kind != "movements"] or [own[0][1]]
            for kind, n in own:
                if n is not keep[0]:
                    n["aliases"] = [x for x in n["aliases"] if x.lower() != a]
                    if not n["aliases"]:
                        del n["aliases"]

    rels = {}
    merged = []

    def add_rel(frm, typ, to, year, summary_default, tensions, sources, origin, keys=()):
        rid = rel_id(frm, typ, to, year)
        if rid in rels:
            r = rels[rid]
            r["sources"] = sorted(set(r["sources"]) | set(sources))
            r["tensions"] = sorted(set(r.get("tensions", [])) | set(tensions))
            if not r["tensions"]:
                del r["tensions"]
            merged.append("%s (%s)" % (rid, origin))
            return
        r = {"id": rid, "type": typ, "from": frm, "to": to}
        if year is not None:
            r["year"] = year
        r["_default"] = summary_default
        r["_keys"] = [k for k in keys if k]
        if tensions:
            r["tensions"] = sorted(set(tensions))
        r["sources"] = sorted(set(sources))
        rels[rid] = r

    recs = {rec["id"]: (kind, rec) for kind in KIND for rec in facts[kind]}
    for fr in facts["relationships"]:
        o = fr["_orig"]
        orig = rel_id(ids.get(o["from"], o["from"]), o["type"], ids.get(o["to"], o["to"]), o.get("year"))
        if fr.get("link"):
            ev = recs[fr["from"]][1]
            what = "founded or launched" if fr["type"] == "FOUNDED" else "published"
            text = "The event in which %s was %s. %s" % (short(names[slug(fr["to"])]), what, ev.get("summary") or "")
            default = ("derived", text.strip())
        elif fr.get("generated"):
            default = ("derived", fr["summary"])
        elif fr.get("_summary_corrected"):
            default = ("corrected", fr["summary"])
            orig = None  # the old wording in summaries.json no longer applies
        elif fr.get("_own"):
            default = ("own", fr["summary"])
        else:
            default = ("facts", fr["summary"])
        add_rel(slug(fr["from"]), fr["type"], slug(fr["to"]), fr.get("year"), default,
                [slug(t) for t in fr.get("tensionIds") or []], srcs(fr), "facts", keys=[orig])

    def has_rel(frm, typ, to):
        return any(r["from"] == frm and r["type"] == typ and r["to"] == to for r in rels.values())

    def own_summary(kind, rec, nid):
        if nid in SUPPLEMENT_WORDING:
            return SUPPLEMENT_WORDING[nid]
        if rec["id"] in corrected_summary:
            return rec.get("summary")
        return summaries.get(nid) or rec.get("summary")

    for kind, rec, n in nodes:
        if kind == "organisations" and rec.get("movementId"):
            m = slug(rec["movementId"])
            about = own_summary(kind, rec, n["id"])
            if not has_rel(n["id"], "PART_OF", m) and about:
                add_rel(n["id"], "PART_OF", m, None,
                        ("derived", "Listed in the facts as an organisation of the %s. %s" % (short(names[m]), first_sentence(about))),
                        [], n["sources"], "organisation.movementId")
            elif not has_rel(n["id"], "PART_OF", m):
                add_rel(n["id"], "PART_OF", m, None, ("derived", None), [], n["sources"], "organisation.movementId")
        if kind == "events":
            about = first_sentence(own_summary(kind, rec, n["id"]))
            when = (" (%s)" % n.get("date", n.get("year"))) if n.get("year") else ""
            if rec.get("movementId"):
                m = slug(rec["movementId"])
                if not has_rel(n["id"], "PART_OF", m):
                    add_rel(n["id"], "PART_OF", m, None,
                            ("derived", "An episode of the %s%s. %s" % (short(names[m]), when, about)),
                            [], n["sources"], "event.movementId")
            for inst in rec.get("institutionIds") or []:
                i = slug(inst)
                if not has_rel(n["id"], "INVOLVED", i):
                    add_rel(n["id"], "INVOLVED", i, None,
                            ("derived", "%s took part in or was the subject of this episode%s. %s" % (short(names[i]), when, about)),
                            [], n["sources"], "event.institutionIds")
                    rels[rel_id(n["id"], "INVOLVED", i, None)]["_about"] = about
        if kind == "reports" and rec.get("publisher"):
            p = slug(rec["publisher"])
            if not has_rel(p, "PUBLISHED", n["id"]):
                about = first_sentence(own_summary(kind, rec, n["id"]))
                add_rel(p, "PUBLISHED", n["id"], rec.get("year"),
                        ("derived", "Publisher of the report%s. %s" % (" (%d)" % rec["year"] if rec.get("year") else "", about)),
                        [], n["sources"], "report.publisher")

    out_rels = []
    counts = {"facts": 0, "corrected": 0, "derived": 0, "own": 0}
    for rid, r in rels.items():
        origin, text = r.pop("_default")
        keys = r.pop("_keys")
        s = summaries.get(rid) or next((summaries[k] for k in keys if k in summaries), None)
        if origin in ("facts", "corrected") and rid in SUPPLEMENT_WORDING:
            r["summary"] = SUPPLEMENT_WORDING[rid]
        elif s and origin == "facts":
            r["summary"] = s
        else:
            r["summary"] = text
            if origin in ("facts", "corrected"):
                stale.append(rid)
        r["_origin"] = origin
        counts[origin] += 1
        out_rels.append(r)

    out_nodes = []
    composed = []
    for kind, rec, n in nodes:
        s = own_summary(kind, rec, n["id"])
        if s:
            n["summary"] = s
            if s != summaries.get(n["id"]) and n["id"] not in SUPPLEMENT_WORDING and not rec.get("_own"):
                stale.append(n["id"])
        else:
            n["summary"], extra = compose_summary(kind, n, rels, names)
            n["sources"] = sorted(set(n["sources"]) | set(extra))
            composed.append(n["id"])
        out_nodes.append(n)
    # a derived PART_OF whose organisation had no summary of its own takes
    # the organisation's composed one
    byid = {n["id"]: n for n in out_nodes}
    for r in out_rels:
        if r["summary"] is None:
            r["summary"] = "Listed in the facts as an organisation of the %s. %s" % (
                short(names[r["to"]]), byid[r["from"]]["summary"])
            r["sources"] = sorted(set(r["sources"]) | set(byid[r["from"]]["sources"]))

    used = set()
    for k in [n["id"] for n in out_nodes] + list(rels):
        used.add(k)
    for r in rels.values():
        pass
    order = ["id", "kind", "name", "summary", "aliases", "region", "country", "category",
             "startYear", "endYear", "foundedYear", "year", "date", "publisher", "url", "role",
             "question", "sources"]
    out_nodes = [{k: n[k] for k in order if k in n} for n in sorted(out_nodes, key=lambda n: n["id"])]
    origins = {r["id"]: r.pop("_origin") for r in out_rels}
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
    return ds, problems, stale, merged, composed, origins


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
    "industry": "Company, publisher or other commercial body",
    "campaign": "Campaign group",
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
    """A summary for a node the facts give none, built from its own fields
    and the most telling of its documented (facts, not derived)
    relationships, whose summary and sources it borrows. Returns the text and
    the sources it adds."""
    if kind in ("organisations", "institutions"):
        base = CATEGORY.get(n.get("category"), "Organisation" if kind == "organisations" else "Institution")
        if n.get("country") and n["country"] != "International":
            base += " in %s" % n["country"]
        elif n.get("region"):
            base += " active in %s" % n["region"]
        if n.get("foundedYear"):
            base += ", founded in %d" % n["foundedYear"]
        base = "%s: %s." % (short(n["name"]), base[0].lower() + base[1:])
    elif kind == "people" and n.get("role"):
        base = n["role"].rstrip(".") + "."
    else:
        base = ""
    mine = [r for r in rels.values() if n["id"] in (r["from"], r["to"]) and r.get("_origin") != "derived"]
    if not mine:  # only field-derived links: their summaries carry the record's own text
        mine = [r for r in rels.values() if n["id"] in (r["from"], r["to"]) and r.get("summary")]
    mine.sort(key=lambda r: (r["from"] != n["id"], PHRASE_ORDER.index(r["type"]), r.get("year") or 9999, r["id"]))
    if not mine:
        return base, []
    picked = mine[:2] if len(base) < 60 else mine[:1]
    parts = []
    extra = []
    for r in picked:
        out = r["from"] == n["id"]
        other = r["to"] if out else r["from"]
        if out and r["type"] == "DESCRIBES" and other in TENSION_IDS:
            ph = "is cited as an episode of the tension '%s'" % names[other]
        else:
            ph = (OUT_PHRASE if out else IN_PHRASE)[r["type"]] % short(names[other])
        if r.get("year"):
            ph += " (%d)" % r["year"]
        text = (r.get("_about") or r["summary"]).rstrip()
        if not text.endswith((".", "!", "?")):
            text += "."
        parts.append("It %s: %s" % (ph, text[0].lower() + text[1:] if text[:2].istitle() and text.split()[0].lower() in LOWER_OK else text))
        extra += r["sources"]
    return (base + " " + " ".join(parts)).strip(), extra


LOWER_OK = {"the", "a", "an", "its", "their", "after", "when", "with", "in", "on", "at", "from", "for", "by", "as"}


def dump(ds):
    lines = ["{"]
    for key in ("name", "version", "description"):
        lines.append(" %s: %s," % (json.dumps(key), json.dumps(ds[key], ensure_ascii=False)))
    parts = []
    for key in ("sources", "nodes", "relationships", "disputes"):
        recs = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in ds.get(key, [])]
        parts.append(" %s: [\n  %s\n ]" % (json.dumps(key), ",\n  ".join(recs)))
    lines.append(",\n".join(parts))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("facts", nargs="?", default=DEFAULT_FACTS)
    ap.add_argument("facts2", nargs="?", default=DEFAULT_FACTS2)
    ap.add_argument("-o", "--out", default=DEFAULT_OUT)
    ap.add_argument("--init-ids", action="store_true", help="add slugs for facts ids missing from ids.json")
    ap.add_argument("--report", action="store_true", help="list records whose summary still uses facts wording")
    a = ap.parse_args()

    first = load_json(a.facts)
    second = load_json(a.facts2)
    fixes = load_json(os.path.join(HERE, "fixes.json"), {})
    facts, log, problems, corrected = merge.merge(first, second, fixes)
    problems += ["%s is dated before an endpoint exists" % x for x in merge.dated_before_endpoint(facts)]
    ids_path = os.path.join(HERE, "ids.json")
    ids = load_json(ids_path, {})
    if a.init_ids:
        ids = init_ids(facts, ids)
        write_json(ids_path, ids)
    summaries = load_json(os.path.join(HERE, "summaries.json"), {})
    SUPPLEMENT_WORDING.update(load_json(os.path.join(HERE, "summaries-supplement.json"), {}))
    overrides = load_json(os.path.join(HERE, "overrides.json"), {})
    problems += [p for p in merge.bad_dates(facts) if p.split()[0] not in overrides.get("eventDates", {})]

    global MOVEMENT_IDS
    MOVEMENT_IDS = {ids[m["id"]] for m in facts["movements"] if m["id"] in ids}
    TENSION_IDS.update(ids[t["id"]] for t in facts["tensions"] if t["id"] in ids)
    ds, more, stale, merged, composed, origins = build(facts, ids, summaries, overrides, corrected)
    problems += more
    kinds_path = os.path.join(HERE, "source_kinds.json")
    kinds_cfg = load_json(kinds_path)
    kinds_cfg["sourceKinds"] = extras.classify_sources(ds, kinds_cfg)
    problems += extras.mirror_only(ds, kinds_cfg["sourceKinds"])
    problems += extras.url_problems(ds, kinds_cfg)
    if problems:
        for p in problems:
            print("error:", p, file=sys.stderr)
        sys.exit(1)
    write_json(kinds_path, kinds_cfg)
    disputes = extras.disputes(second, load_json(os.path.join(HERE, "contradictions.json"), {"contradictions": []}), ids, ds)
    problems += extras.load_disputes(ds, disputes["disputes"], kinds_cfg["sourceKinds"])
    if problems:
        for p in problems:
            print("error:", p, file=sys.stderr)
        sys.exit(1)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(dump(ds))
    write_json(os.path.join(HERE, "disputes.json"), disputes)
    with open(os.path.join(REPO, "data", "CHANGES.md"), "w", encoding="utf-8") as f:
        f.write(extras.changes_md(log, ids, fixes))
    stats = extras.stats(ds, origins, kinds_cfg["sourceKinds"])
    write_json(os.path.join(HERE, "stats.json"), stats)
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
    print("corrections applied:", len(log))
    print("merged duplicates:", len(merged))
    for m in merged:
        print("  merged", m)
    print("summaries composed from fields and relationships: %d" % len(composed))
    print("summaries in the researchers' wording (facts files): %d" % len(stale))
    print("stats:", json.dumps(stats, sort_keys=True))
    if a.report:
        for s in stale:
            print("  ", s)


if __name__ == "__main__":
    main()
