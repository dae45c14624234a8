// check_citeproc.mjs FILE.csl.json EXPECTED.json: renders an hmkg CSL_JSON
// export with citeproc-js in APA 7th edition (csl/apa.csl with
// csl/locales-en-US.xml, from the Citation Style Language project,
// CC BY-SA 3.0) and checks the bibliography against the sources the store
// returned: one entry per source, each entry holding the source's title,
// URL, publisher and year. Prints one line per check; exits non-zero on the
// first mismatch.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");

const [file, expectedFile] = process.argv.slice(2);
if (!file || !expectedFile) {
  console.error("usage: node check_citeproc.mjs EXPORT.csl.json EXPECTED.json");
  process.exit(2);
}
const fail = (msg) => {
  console.error("citeproc: " + msg);
  process.exit(1);
};
const items = JSON.parse(readFileSync(file, "utf8"));
const want = JSON.parse(readFileSync(expectedFile, "utf8"));
const style = readFileSync(new URL("./csl/apa.csl", import.meta.url), "utf8");
const locale = readFileSync(new URL("./csl/locales-en-US.xml", import.meta.url), "utf8");

if (!Array.isArray(items)) fail("the export is not a JSON array");
if (items.length !== want.length) fail(`${items.length} items, want ${want.length}`);
const byId = new Map(items.map((it) => [it.id, it]));
const engine = new CSL.Engine(
  {
    retrieveLocale: () => locale,
    retrieveItem: (id) => byId.get(id),
  },
  style,
  "en-US",
);
engine.setOutputFormat("text");
engine.updateItems(items.map((it) => it.id));
const [params, entries] = engine.makeBibliography();
if (params.bibliography_errors.length > 0) fail(`bibliography errors: ${JSON.stringify(params.bibliography_errors)}`);
if (entries.length !== want.length) fail(`${entries.length} bibliography entries, want ${want.length}`);

// citeproc typesets quotes (and flips single to double quotes the way
// the locale nests them); compare text with every quote mark made one and
// white space collapsed (the export writes every field on one line).
const plain = (s) =>
  s
    .replace(/['"\u2018\u2019\u201c\u201d\u02bc]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
const rendered = new Map(params.entry_ids.map((ids, i) => [ids[0], plain(entries[i])]));
for (const src of want) {
  const entry = rendered.get(src.id);
  if (entry === undefined) fail(`source ${src.id} has no bibliography entry`);
  const it = byId.get(src.id);
  if (plain(it.title) !== plain(src.title)) fail(`${src.id}: item title ${JSON.stringify(it.title)}, want ${JSON.stringify(src.title)}`);
  if (it.URL !== src.url) fail(`${src.id}: item URL ${JSON.stringify(it.URL)}, want ${JSON.stringify(src.url)}`);
  // APA ends a title with a full stop unless it ends in punctuation (set
  // inside a closing quote, American style).
  const title = plain(src.title).replace(/[.?!"]+$/, "");
  // (Legislation and periodical names are set in title case.)
  if (!entry.toLowerCase().includes(title.toLowerCase())) fail(`${src.id}: title ${JSON.stringify(title)} not in ${JSON.stringify(entry)}`);
  if (!entry.includes(src.url)) fail(`${src.id}: URL ${src.url} not in ${JSON.stringify(entry)}`);
  // APA sets the name of a periodical or site in title case.
  if (src.publisher && !entry.toLowerCase().includes(plain(src.publisher).toLowerCase())) fail(`${src.id}: publisher ${JSON.stringify(src.publisher)} not in ${JSON.stringify(entry)}`);
  // APA tells apart same-looking entries with a letter: (2019a), (n.d.-b).
  const year = src.year ? `(${src.year}` : "(n.d.";
  // (APA writes no "n.d." for legislation without a year.)
  if (!(it.type === "legislation" && !src.year) && !new RegExp(`\\(${year.slice(1).replace(/\./g, "\\.")}(-?[a-z])?\\)`).test(entry)) fail(`${src.id}: ${year}) not in ${JSON.stringify(entry)}`);
}
// An in-text citation of every source renders too.
const cites = engine.makeCitationCluster(items.map((it) => ({ id: it.id })));
if (!cites || cites.length < items.length) fail(`citation cluster ${JSON.stringify(cites)}`);

const version = JSON.parse(readFileSync(new URL("./node_modules/citeproc/package.json", import.meta.url), "utf8")).version;
console.log(`citeproc ${version} (APA 7th): ${entries.length} bibliography entries: ok`);
console.log(`example: ${rendered.get(want[0].id)}`);
