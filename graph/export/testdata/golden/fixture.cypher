// hmkg export: run on an empty database with `cypher-shell -f FILE`; one statement per line.
// manifest: {"generator":"hmkg","format":"CYPHER","datasetName":"fixture","datasetVersion":"1.0.0","selection":{"seeds":["act-up"],"depth":2,"direction":"BOTH","types":["CHALLENGED","LED"],"kinds":[],"asOf":2020,"wholeGraph":false},"counts":{"nodes":4,"relationships":3,"sources":2},"generatedAt":"2025-03-04T05:06:07Z","sources":[{"id":"src-a","title":"Oral history — ACT UP","url":"https://example.org/a","publisher":"Archive, Inc."},{"id":"src-b","title":"Report <2> & \"more\"","url":"https://example.org/b?x=1&y=2","year":2019}]}
CREATE CONSTRAINT hmkg_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT hmkg_source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;
CREATE (:Source {id: 'src-a', title: 'Oral history — ACT UP', url: 'https://example.org/a', publisher: 'Archive, Inc.'});
CREATE (:Source {id: 'src-b', title: 'Report <2> & "more"', url: 'https://example.org/b?x=1&y=2', year: 2019});
CREATE (:Node:Movement {id: 'act-up', kind: 'MOVEMENT', name: 'ACT UP "AIDS Coalition to Unleash Power"', summary: 'Line one\nline two\twith tab, back\\slash and \'single\' quotes </node> ]]>', aliases: ['ACT UP', 'AIDS Coalition; "to" Unleash Power', 'Ünïcødé ✊'], region: 'New York & beyond', startYear: 1987, sources: ['src-a', 'src-b']});
CREATE (:Node:Institution {id: 'nhs-england', kind: 'INSTITUTION', name: 'NHS England', summary: 'Runs the <NHS> & commissions care.', country: 'UK', category: 'health-system', foundedYear: 2013, sources: ['src-b']});
CREATE (:Node:Tension {id: 'tension-voice', kind: 'TENSION', name: 'Voice vs. capture', question: 'Who speaks — and for whom?', sources: ['src-a']});
CREATE (:Node:Person {id: 'zoe-o-neill', kind: 'PERSON', name: 'Zoë O\'Neill', role: 'organiser\r\nand\u0007bell', sources: ['src-a']});
MATCH (a:Node {id: 'act-up'}), (b:Node {id: 'nhs-england'}) CREATE (a)-[:CHALLENGED {id: 'act-up:CHALLENGED:nhs-england', sources: ['src-b']}]->(b);
MATCH (a:Node {id: 'act-up'}), (b:Node {id: 'nhs-england'}) CREATE (a)-[:CHALLENGED {id: 'act-up:CHALLENGED:nhs-england:1990', year: 1990, summary: 'Die-ins & "zaps" <at> offices', tensions: ['tension-voice'], sources: ['src-a', 'src-b']}]->(b);
MATCH (a:Node {id: 'zoe-o-neill'}), (b:Node {id: 'act-up'}) CREATE (a)-[:LED {id: 'zoe-o-neill:LED:act-up', sources: ['src-a']}]->(b);
