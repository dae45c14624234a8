// Regenerates the introspection documents in this directory from graphql-js:
//   npm install graphql@16 && node generate.js .
// GraphiQL 4.1.2 (the version gqlgen's playground loads) sends
// getIntrospectionQuery({inputValueDeprecation: false, schemaDescription: false})
// and, when that answer has no data, the same without "subscriptionType { name }"
// (@graphiql/react 0.34.1, dist/schema.js, generateIntrospectionQuery).
const {getIntrospectionQuery} = require('graphql');
const fs = require('fs');
const out = process.argv[2] || '.';
const v = require('graphql/package.json').version;
const docs = {
  'graphql-js-default': {},
  'graphql-js-no-descriptions': {descriptions: false},
  'graphql-js-all-options': {descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true},
  'graphql-js-specifiedbyurl-repeatable': {specifiedByUrl: true, directiveIsRepeatable: true},
};
for (const [name, opts] of Object.entries(docs)) {
  fs.writeFileSync(`${out}/${name}.graphql`, `# graphql-js ${v} getIntrospectionQuery(${JSON.stringify(opts)})\n` + getIntrospectionQuery(opts) + '\n');
}
for (const [name, opts] of Object.entries({
  'graphiql-schema-description': {inputValueDeprecation: true, schemaDescription: true},
  'graphiql-schema-description-no-descriptions': {inputValueDeprecation: true, schemaDescription: true, descriptions: false},
})) {
  fs.writeFileSync(`${out}/${name}.graphql`, `# GraphiQL with its schemaDescription and inputValueDeprecation props on: graphql-js ${v} getIntrospectionQuery(${JSON.stringify(opts)})\n` + getIntrospectionQuery(opts) + '\n');
}
const q = getIntrospectionQuery({inputValueDeprecation: false, schemaDescription: false});
const head = (what) => `# GraphiQL 4.1.2 (gqlgen's playground), @graphiql/react 0.34.1 schema.js generateIntrospectionQuery: ${what}; graphql-js ${v}\n`;
fs.writeFileSync(`${out}/graphiql-4.1.2.graphql`, head('getIntrospectionQuery({inputValueDeprecation: false, schemaDescription: false})') + q + '\n');
fs.writeFileSync(`${out}/graphiql-4.1.2-sans-subscriptions.graphql`, head('its fallback, with "subscriptionType { name }" removed') + q.replace("subscriptionType { name }", "") + '\n');
