// Command hmkg is the Health Movements Knowledge Graph: one binary that
// serves the GraphQL API and dashboard, loads and exports datasets, and
// generates synthetic graphs for benchmarks.
//
//	hmkg serve                 run the HTTP server (GraphQL, GraphiQL, dashboard, export)
//	hmkg load FILE...          validate dataset files and import them atomically
//	hmkg export ...            write a subgraph as JSON, GraphML, GEXF, CSV or Cypher
//	hmkg gen ...               write a synthetic dataset
//	hmkg migrate               create the Neo4j constraints and indexes
//	hmkg version               print the version
//
// Configuration comes from flags, then environment variables, then
// defaults; `hmkg CMD -h` lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "hmkg:", err)
		os.Exit(1)
	}
}

const usage = `usage: hmkg <command> [flags]

commands:
  serve     run the HTTP server (GraphQL at /graphql, GraphiQL at /graphiql, dashboard at /)
  load      validate dataset files and import them atomically: hmkg load FILE...
  export    write a subgraph: hmkg export --format gexf --seed act-up --depth 2 -o out.gexf
  gen       write a synthetic dataset: hmkg gen --nodes N --avg-degree D --seed S -o FILE
  migrate   create the Neo4j constraints and indexes (the server also does this at start-up)
  version   print the version

Run 'hmkg <command> -h' for the flags of a command.
`

// run is the whole program; main only supplies the process's context,
// arguments, environment and output streams so that tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	// Every command logs: a malformed HMKG_LOG_LEVEL or HMKG_LOG_FORMAT
	// stops any of them before it starts.
	if _, err := loggerFor(getenv, stderr); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, rest, getenv, stdout, stderr)
	case "export":
		return runExport(ctx, rest, getenv, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "hmkg", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
