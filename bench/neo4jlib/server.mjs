// The comparison target of hmkg's load benchmark (bench/load, -stores
// neo4jlib): the Neo4j GraphQL Library on Apollo Server over the graph that
// hmkg's Neo4j store keeps (graph/neo4jstore), with the type definitions a
// Neo4j user would write for that data model. It reads NEO4J_URI,
// NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE, serves GraphQL over
// HTTP on 127.0.0.1 (--port N, default 0: any free port) and, once ready,
// prints one JSON line {"msg":"listening","addr":"127.0.0.1:N"} on stdout,
// the line bench/load waits for with hmkg serve too. SIGTERM stops it.
//
//	node server.mjs --port 4000
//
// The data model (graph/neo4jstore): every node has the label Node plus a
// label for its kind, and properties id, kind, name, summary and sources (a
// list of Source ids); :Source nodes have id, title, url, publisher, year;
// relationships (CHALLENGED, PART_OF, ...) have id, year, summary, status
// and sources (Source ids); the full-text index node_search covers the
// searchText property (lower-case tokens, whitespace analyser).
//
// How each of the six questions is asked is in bench/load/questions.go
// (each question's lib field), with where it cannot be asked the same way
// as hmkg's; README ("Against the Neo4j GraphQL Library") sums it up.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";
import { pathToFileURL } from "node:url";

// Lists of Source ids become Source objects with a @cypher field, the way
// the library resolves a property that refers to other nodes by id. The
// neighbourhood and the shortest path are @cypher query fields, written
// with the same Neo4j 5 path selectors as hmkg's own statements
// (graph/neo4jstore/traverse.go), so that the comparison is between the
// GraphQL layers, not between two ways of writing the Cypher.
export const typeDefs = /* GraphQL */ `
  type Source @node {
    id: ID!
    title: String
    url: String
    publisher: String
    year: Int
  }

  "A node of any kind: label Node (the type name Node is reserved by the library for Relay), kind in the kind property (and label)."
  type Entity
    @node(labels: ["Node"])
    @fulltext(indexes: [{ indexName: "node_search", queryName: "search", fields: ["searchText"] }]) {
    id: ID!
    kind: String!
    name: String!
    summary: String
    searchText: String
    sources: [Source!]!
      @cypher(
        statement: """
        UNWIND coalesce(this.sources, []) AS sid
        MATCH (s:Source {id: sid})
        RETURN s
        """
        columnName: "s"
      )
    challenged: [Entity!]! @relationship(type: "CHALLENGED", direction: OUT, properties: "Rel")
    challengedBy: [Entity!]! @relationship(type: "CHALLENGED", direction: IN, properties: "Rel")
    partOf: [Entity!]! @relationship(type: "PART_OF", direction: OUT, properties: "Rel")
    members: [Entity!]! @relationship(type: "PART_OF", direction: IN, properties: "Rel")
  }

  "The properties every relationship has."
  type Rel @relationshipProperties {
    id: ID!
    year: Int
    summary: String
    status: String
    sources: [Source!]!
      @cypher(
        statement: """
        UNWIND coalesce(this.sources, []) AS sid
        MATCH (s:Source {id: sid})
        RETURN s
        """
        columnName: "s"
      )
  }

  type Endpoint {
    id: ID!
    kind: String
    name: String
  }

  type Link {
    id: ID!
    type: String!
    from: Endpoint!
    to: Endpoint!
  }

  type Subgraph {
    truncated: Boolean!
    nodes: [Endpoint!]!
    relationships: [Link!]!
  }

  type Path {
    length: Int!
    nodes: [Endpoint!]!
    relationships: [Link!]!
  }

  type Query {
    "Nodes within 2 hops (either direction) of a node, closest first then by id, at most limit, and the relationships among them."
    neighbourhood2(id: ID!, limit: Int! = 500): Subgraph
      @cypher(
        statement: """
        MATCH (s:Node {id: $id})
        CALL (s) {
          MATCH p = ANY SHORTEST (s)-[]-{1,2}(m:Node)
          WHERE m <> s
          WITH m, min(length(p)) AS d
          ORDER BY d, m.id
          LIMIT $limit
          RETURN collect(m) AS reached
        }
        WITH s, reached, [s] + reached[..$limit - 1] AS ns
        CALL (ns) {
          UNWIND ns AS a
          MATCH (a)-[r]->(b) WHERE b IN ns
          WITH r, a, b ORDER BY r.id
          RETURN collect({id: r.id, type: type(r), from: {id: a.id}, to: {id: b.id}}) AS rels
        }
        RETURN {
          truncated: size(reached) >= $limit,
          nodes: [n IN ns | n {.id, .kind, .name}],
          relationships: rels
        } AS result
        """
        columnName: "result"
      )
    "A shortest path (at most 6 hops, either direction): the first by node ids of the shortest ones."
    shortestPath(from: ID!, to: ID!): Path
      @cypher(
        statement: """
        MATCH (s:Node {id: $from}), (t:Node {id: $to})
        MATCH p = SHORTEST 1 GROUPS (s)-[]-{1,6}(t)
        WITH p ORDER BY [n IN nodes(p) | n.id], [r IN relationships(p) | r.id]
        LIMIT 1
        RETURN {
          length: length(p),
          nodes: [n IN nodes(p) | n {.id, .kind, .name}],
          relationships: [r IN relationships(p) | {id: r.id, type: type(r), from: {id: startNode(r).id}, to: {id: endNode(r).id}}]
        } AS result
        """
        columnName: "result"
      )
  }
`;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`neo4jlib: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

async function main() {
  const port = Number(arg("--port", "0"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port: ${arg("--port")} is not a port number`);
  }
  const driver = neo4j.driver(
    need("NEO4J_URI"),
    neo4j.auth.basic(process.env.NEO4J_USERNAME || "neo4j", process.env.NEO4J_PASSWORD || ""),
  );
  await driver.verifyConnectivity();
  const database = process.env.NEO4J_DATABASE || "neo4j";
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port },
    context: async () => ({ sessionConfig: { database } }),
  });
  const stop = async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(JSON.stringify({ msg: "listening", addr: new URL(url).host }));
}

// Imported (to print the generated schema, say), it only exports typeDefs.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`neo4jlib: ${err.stack || err}`);
    process.exit(1);
  });
}
