package resolvers

// gqlgen resolves the paths in gqlgen.yml from the repository root.
//go:generate go run -C .. github.com/99designs/gqlgen generate
