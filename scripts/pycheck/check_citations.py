"""check_citations.py EXPORT.bib EXPORT.ris EXPECTED.json

Reads hmkg's BIBTEX export with bibtexparser (its LaTeX decoded with
pylatexenc, as a reference manager would show it) and its RIS export with
rispy, and checks both against the sources the store returned
(EXPECTED.json: a list of {id, title, url, publisher, year}): one entry per
source and no parse failures, unique keys, and title, publisher, year, URL
and the source id round-tripping exactly, special characters included.
Prints one line per check; exits non-zero on the first mismatch.
"""

import json
import re
import sys

import bibtexparser
import rispy
from pylatexenc.latex2text import LatexNodes2Text


def fail(msg):
    print("check_citations: " + msg, file=sys.stderr)
    sys.exit(1)


def one_line(s):
    return re.sub(r"\s+", " ", s or "").strip()


latex = LatexNodes2Text()


def decode(value):
    # pylatexenc renders \textasciicircum as U+02C6 (modifier letter
    # circumflex); LaTeX typesets it as the ASCII circumflex the source had.
    return latex.latex_to_text(value).replace("\u02c6", "^")


def check_bibtex(path, want):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lib = bibtexparser.parse_string(text)
    if lib.failed_blocks:
        fail(f"bibtex: {len(lib.failed_blocks)} blocks failed to parse, first: {lib.failed_blocks[0].raw[:200]!r}")
    if len(lib.entries) != len(want):
        fail(f"bibtex: {len(lib.entries)} entries, want {len(want)}")
    keys = [e.key for e in lib.entries]
    if len(set(keys)) != len(keys):
        fail("bibtex: duplicate keys")
    by_id = {}
    for e in lib.entries:
        note = decode(e.fields_dict["note"].value)
        if not note.startswith("hmkg source "):
            fail(f"bibtex: {e.key}: note {note!r}")
        # "hmkg source ID", then "; KIND source" when the source's kind is known.
        by_id[note[len("hmkg source "):].split(";")[0]] = e
    for src in want:
        e = by_id.get(one_line(src["id"]))
        if e is None:
            fail(f"bibtex: source {src['id']} missing")
        if not re.fullmatch(r"[A-Za-z0-9_:./+-]+", e.key):
            fail(f"bibtex: key {e.key!r} is not a plain BibTeX key")
        f = e.fields_dict
        title = decode(f["title"].value)
        if title != one_line(src["title"]):
            fail(f"bibtex: {src['id']}: title {title!r}, want {one_line(src['title'])!r}")
        url = f["url"].value.replace("%7B", "{").replace("%7D", "}").replace("%5C", "\\")
        if url != src["url"]:
            fail(f"bibtex: {src['id']}: url {url!r}, want {src['url']!r}")
        pubs = [decode(f[k].value) for k in ("journal", "institution", "publisher", "howpublished") if k in f]
        if src.get("publisher"):
            if pubs != [one_line(src["publisher"])]:
                fail(f"bibtex: {src['id']}: publisher {pubs!r}, want {src['publisher']!r}")
        elif pubs:
            fail(f"bibtex: {src['id']}: publisher {pubs!r}, want none")
        year = f["year"].value if "year" in f else None
        if year != (str(src["year"]) if src.get("year") else None):
            fail(f"bibtex: {src['id']}: year {year!r}, want {src.get('year')!r}")
        if e.entry_type not in ("article", "techreport", "book", "misc"):
            fail(f"bibtex: {src['id']}: entry type {e.entry_type}")
    print(f"bibtexparser {bibtexparser.__version__}: {len(lib.entries)} entries: ok")


def check_ris(path, want):
    with open(path, "rb") as f:
        raw = f.read()
    if raw and (b"\n" in raw.replace(b"\r\n", b"")):
        fail("ris: a line does not end in CR LF")
    with open(path, encoding="utf-8", newline="") as f:
        records = rispy.load(f)
    if len(records) != len(want):
        fail(f"ris: {len(records)} records, want {len(want)}")
    by_id = {r.get("id"): r for r in records}
    if len(by_id) != len(records):
        fail("ris: duplicate or missing ID")
    for src in want:
        r = by_id.get(one_line(src["id"]))
        if r is None:
            fail(f"ris: source {src['id']} missing")
        if r.get("title") != one_line(src["title"]):
            fail(f"ris: {src['id']}: title {r.get('title')!r}, want {one_line(src['title'])!r}")
        if r.get("urls") != [src["url"]]:
            fail(f"ris: {src['id']}: urls {r.get('urls')!r}, want {[src['url']]!r}")
        if r.get("publisher") != (one_line(src["publisher"]) if src.get("publisher") else None):
            fail(f"ris: {src['id']}: publisher {r.get('publisher')!r}, want {src.get('publisher')!r}")
        if r.get("year") != (str(src["year"]) if src.get("year") else None):
            fail(f"ris: {src['id']}: year {r.get('year')!r}, want {src.get('year')!r}")
        if r.get("type_of_reference") not in ("ELEC", "JOUR", "NEWS", "RPRT", "BOOK", "ENCYC", "STAT"):
            fail(f"ris: {src['id']}: type {r.get('type_of_reference')!r}")
        notes = r.get("notes") or [""]
        if len(notes) != 1 or notes[0].split(";")[0] != "hmkg source " + one_line(src["id"]):
            fail(f"ris: {src['id']}: notes {r.get('notes')!r}")
    print(f"rispy: {len(records)} records: ok")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    bib, ris, expected = sys.argv[1:]
    with open(expected, encoding="utf-8") as f:
        want = json.load(f)
    if not want:
        fail("no sources to check")
    check_bibtex(bib, want)
    check_ris(ris, want)


if __name__ == "__main__":
    main()
