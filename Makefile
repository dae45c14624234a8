# The two commands a newcomer needs:
#   make run    serve the curated graph on the embedded store (http://localhost:8080)
#   make test   run every test (starts a local Neo4j from Maven Central for the Neo4j store)
.PHONY: run test build web generate bench bench-scale soak clean

GO ?= go

run:
	scripts/web-build --optional
	$(GO) run ./cmd/hmkg serve

build: web
	$(GO) build -o bin/hmkg ./cmd/hmkg

web:
	scripts/web-build

test:
	scripts/test

generate:
	$(GO) generate ./...

# Benchmarks on the curated graph and on synthetic graphs (10k, 100k nodes);
# bench-scale adds the 1M-node graph. See README.md, "Benchmarks".
bench:
	scripts/bench

bench-scale:
	HMKG_BENCH_SCALE=1000000 scripts/bench

# The long reliability campaign against a real hmkg serve on loopback: 10^5
# fuzzed GraphQL documents, then 200 connections for 60 s (scripts/soak).
soak:
	scripts/soak

clean:
	rm -rf bin test-output web/dist/assets web/dist/index.html
