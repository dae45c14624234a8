"""Merge the two researched facts files and apply corrections.

build.py calls merge() before converting records to the dataset. It:

  1. appends the supplement's records (health-movements.facts-2.json) to the
     first pass (health-movements.facts.json); ids never collide between them;
  2. applies the supplement's `corrections` ({target, field, new, sourceIds,
     why}) to the merged records, matching a relationship target
     `from|TYPE|to[|year]` on the record as it was first written, so several
     corrections to one edge (type, summary, tensions) all land;
  3. applies the project's own fixes from fixes.json (same shape, with a
     `source` naming where the fix comes from), e.g. relationships dated
     before an endpoint existed, a retraction typed CHALLENGED, merged
     near-duplicate entities;

and returns the merged facts with a change log that build.py writes to
data/CHANGES.md. Standard library only.
"""

import copy
import re

LISTS = ["sources", "movements", "organisations", "institutions", "reports", "people", "events",
         "tensions", "relationships"]
TYPES = {"CHALLENGED", "PARTNERED_WITH", "FUNDED_BY", "INFLUENCED_POLICY_OF", "CO_OPTED_BY", "PART_OF",
         "PUBLISHED", "DESCRIBES", "INSPIRED", "FOUNDED", "ORGANISED", "TARGETED", "LED", "INVOLVED",
         "EXEMPLIFIES"}
# Field names in corrections -> field names in the facts records.
FIELD = {"tensionIds": "tensionIds", "founded": "founded", "startYear": "startYear"}


class Change:
    def __init__(self, target, field, old, new, why, sources, origin):
        self.target, self.field, self.old, self.new = target, field, old, new
        self.why, self.sources, self.origin = why, sources, origin


def rel_key(r):
    k = "%s|%s|%s" % (r["from"], r["type"], r["to"])
    if r.get("year") is not None:
        k += "|%d" % r["year"]
    return k


def match_rel(rels, target):
    parts = target.split("|")
    frm, typ, to = parts[:3]
    year = int(parts[3]) if len(parts) > 3 else None
    out = []
    for r in rels:
        o = r["_orig"]
        if o["from"] == frm and o["type"] == typ and o["to"] == to and (year is None or o.get("year") == year):
            out.append(r)
    return out


def merge(first, second, fixes):
    facts = {k: copy.deepcopy(first.get(k, [])) for k in LISTS}
    for k in LISTS:
        for rec in second.get(k, []):
            rec = copy.deepcopy(rec)
            rec["_part"] = rec.pop("part", None)
            facts[k].append(rec)
    for r in facts["relationships"]:
        r["_orig"] = {"from": r["from"], "type": r["type"], "to": r["to"], "year": r.get("year")}
    records = {}
    for k in LISTS:
        if k in ("sources", "relationships"):
            continue
        for rec in facts[k]:
            if rec["id"] in records:
                raise SystemExit("facts id %s defined twice" % rec["id"])
            records[rec["id"]] = (k, rec)
    sources = {s["id"] for s in facts["sources"]}
    log, problems = [], []
    corrected_summary = set()  # records whose summary a correction replaced

    def check_sources(ids, where):
        for s in ids or []:
            if s not in sources:
                problems.append("%s cites unknown source %s" % (where, s))

    def apply(c, origin):
        target, field, new = c["target"], c["field"], c.get("new")
        cites = list(c.get("sourceIds") or [])
        check_sources(cites, "correction of %s" % target)
        if "|" in target:
            hits = match_rel(facts["relationships"], target)
            if len(hits) != 1:
                problems.append("correction target %s matches %d relationships" % (target, len(hits)))
                return
            r = hits[0]
            old = copy.deepcopy(r.get(FIELD.get(field, field)))
            if field == "type" and isinstance(new, str) and "direction reversed" in new:
                # "FUNDED_BY, with direction reversed: a FUNDED_BY b (year)"
                typ = new.split(",")[0].strip()
                r["from"], r["to"], r["type"] = r["to"], r["from"], typ
            elif field == "type":
                if new not in TYPES:
                    problems.append("correction of %s: unknown type %s" % (target, new))
                    return
                r["type"] = new
            elif field == "sourceIds":
                check_sources(new, "correction of %s" % target)
                r["sourceIds"] = list(new)
            elif field in ("from", "to", "year", "summary", "tensionIds"):
                if field in ("from", "to") and new not in records:
                    problems.append("correction of %s: unknown endpoint %s" % (target, new))
                    return
                r[field] = new
                if field == "summary":
                    r["_summary_corrected"] = True
                    # the summary's own sources back the new wording
                    r["sourceIds"] = sorted(set(r["sourceIds"]) | set(cites))
            else:
                problems.append("correction of %s: unsupported field %s" % (target, field))
                return
        else:
            if target not in records:
                problems.append("correction target %s is not a facts record" % target)
                return
            kind, rec = records[target]
            f = FIELD.get(field, field)
            old = copy.deepcopy(rec.get(f))
            if field == "sourceIds":
                check_sources(new, "correction of %s" % target)
                rec["sourceIds"] = list(new)
            else:
                if new is None:
                    rec.pop(f, None)
                    rec[f] = None
                else:
                    rec[f] = new
                if field == "summary":
                    corrected_summary.add(target)
                # a corrected value is backed by the correction's sources
                rec["sourceIds"] = sorted(set(rec["sourceIds"]) | set(cites))
        log.append(Change(target, field, old, new, c.get("why", ""), cites, origin))

    for c in second.get("corrections", []):
        apply(c, "supplement correction (%s)" % c.get("part", "?"))
    for c in fixes.get("corrections", []):
        apply(c, c.get("source", "project fix"))

    # Merges of near-duplicate entities: {drop: keep}. Relationships are
    # re-pointed; sources are unioned; the kept record may be renamed.
    for m in fixes.get("merges", []):
        drop, keep = m["drop"], m["keep"]
        kd, rd = records.pop(drop)
        kk, rk = records[keep]
        facts[kd].remove(rd)
        rk["sourceIds"] = sorted(set(rk["sourceIds"]) | set(rd["sourceIds"]))
        for f, v in m.get("set", {}).items():
            rk[f] = v
        for r in facts["relationships"]:
            for end in ("from", "to"):
                if r[end] == drop:
                    r[end] = keep
        for e in facts["events"]:
            e["institutionIds"] = [keep if i == drop else i for i in e.get("institutionIds") or []]
        for rep in facts["reports"]:
            if rep.get("publisher") == drop:
                rep["publisher"] = keep
        log.append(Change(drop, "merged into", drop, keep, m["why"], list(rd["sourceIds"]), m.get("source", "project fix")))

    for s in fixes.get("sources", []):
        facts["sources"].append(dict(s))
        sources.add(s["id"])
    for rec in fixes.get("records", []):
        kind = rec.pop("_kind")
        check_sources(rec["sourceIds"], "added record %s" % rec["id"])
        rec["_own"] = True  # written by the project, in its own words
        facts[kind].append(rec)
        records[rec["id"]] = (kind, rec)
        log.append(Change(rec["id"], "added", None, rec.get("name"), rec.get("role") or rec.get("summary") or "",
                          list(rec["sourceIds"]), "project addition"))

    # Relationships added by the project (founding/launch/publication events
    # linked to what they created, facts read in a correction's `why`).
    for r in fixes.get("relationships", []):
        r = dict(r)
        if r.get("link") and r["from"] in records:
            # an event linked to what it founded or published: the event's
            # own sources state it, and the link carries the event's year
            ev = records[r["from"]][1]
            r.setdefault("sourceIds", list(ev["sourceIds"]))
            r.setdefault("year", ev.get("year"))
        r.setdefault("summary", None)
        check_sources(r["sourceIds"], "added relationship %s" % rel_key(r))
        for end in (r["from"], r["to"]):
            if end not in records:
                problems.append("added relationship %s: unknown endpoint %s" % (rel_key(r), end))
        r.setdefault("tensionIds", [])
        r.setdefault("year", None)
        r["_orig"] = {"from": r["from"], "type": r["type"], "to": r["to"], "year": r.get("year")}
        r["_added"] = r.pop("why", "")
        r["_own"] = True
        facts["relationships"].append(r)
        log.append(Change(rel_key(r), "added", None, r.get("summary") or "(summary from the event's own)",
                          r["_added"], list(r["sourceIds"]), "project addition"))
    # Sources found by the project (stored copies of the publisher's page),
    # citations they back, and facts dropped because they rested on mirrors
    # alone and no better page stating them was found.
    for c in fixes.get("citations", []):
        check_sources(c["add"], "citation for %s" % c["target"])
        if "|" in c["target"]:
            hits = match_rel(facts["relationships"], c["target"])
            if len(hits) != 1:
                problems.append("citation target %s matches %d relationships" % (c["target"], len(hits)))
                continue
            rec = hits[0]
        else:
            rec = records[c["target"]][1]
        old = list(rec["sourceIds"])
        rec["sourceIds"] = sorted(set(old) | set(c["add"]))
        log.append(Change(c["target"], "sourceIds", old, rec["sourceIds"], c["why"], c["add"], c.get("source", "project fix")))
    for c in fixes.get("tags", []):
        hits = match_rel(facts["relationships"], c["target"])
        if len(hits) != 1:
            problems.append("tag target %s matches %d relationships" % (c["target"], len(hits)))
            continue
        r = hits[0]
        old = list(r.get("tensionIds") or [])
        r["tensionIds"] = sorted(set(old) | set(c["add"]))
        log.append(Change(c["target"], "tensionIds", old, r["tensionIds"], c["why"], [], c.get("source", "project tagging")))
    for d in fixes.get("drops", []):
        t = d["target"]
        if "|" in t:
            hits = match_rel(facts["relationships"], t)
            if len(hits) != 1:
                problems.append("drop target %s matches %d relationships" % (t, len(hits)))
                continue
            facts["relationships"].remove(hits[0])
            log.append(Change(t, "removed", list(hits[0]["sourceIds"]), None, d["why"], [], d.get("source", "project fix")))
            continue
        if t not in records:
            problems.append("drop target %s is not a facts record" % t)
            continue
        kind, rec = records.pop(t)
        facts[kind].remove(rec)
        gone = [r for r in facts["relationships"] if t in (r["from"], r["to"])]
        for r in gone:
            facts["relationships"].remove(r)
        for e in facts["events"]:
            e["institutionIds"] = [i for i in e.get("institutionIds") or [] if i != t]
        for rep in facts["reports"]:
            if rep.get("publisher") == t:
                rep["publisher"] = None
        why = d["why"] + (" Its relationships went with it: %s." % "; ".join(rel_key(r) for r in gone) if gone else "")
        log.append(Change(t, "removed", list(rec["sourceIds"]), None, why, [], d.get("source", "project fix")))

    for r in facts["relationships"]:
        check_sources(r["sourceIds"], "relationship %s" % rel_key(r))
    return facts, log, problems, corrected_summary


def dated_before_endpoint(facts):
    """Relationships whose year is before an endpoint's start, founding or event year."""
    since = {}
    for k in ("movements", "organisations", "institutions", "reports", "events"):
        for rec in facts[k]:
            y = rec.get("startYear") if k == "movements" else rec.get("founded") if k in ("organisations", "institutions") else rec.get("year")
            if y is not None:
                since[rec["id"]] = y
    out = []
    for r in facts["relationships"]:
        y = r.get("year")
        if y is None:
            continue
        for end in (r["from"], r["to"]):
            if end in since and y < since[end]:
                out.append("%s (year %d, %s from %d)" % (rel_key(r), y, end, since[end]))
    return out


_MONTHS = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def bad_dates(facts):
    return ["%s date %r" % (e["id"], e.get("date")) for e in facts["events"]
            if e.get("date") and not _MONTHS.match(e["date"])]
