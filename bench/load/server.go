package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// buildHmkg compiles ./cmd/hmkg into dir.
func buildHmkg(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "hmkg")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/hmkg/hmkg/cmd/hmkg")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build hmkg: %w", err)
	}
	return bin, nil
}

// server is a running `hmkg serve` or library server.
type server struct {
	cmd  *exec.Cmd
	what string // what it is, for messages
	url  string
	log  string // path of its log
	done chan error
}

// startServer runs `hmkg serve --addr 127.0.0.1:0` for store with the
// given environment and waits for its "listening" line (after seeding).
func startServer(ctx context.Context, bin, store, dataDir, logPath string, env []string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--store", store, "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "HMKG_LOG_FORMAT=json", "HMKG_LOG_LEVEL=info", "HMKG_SEED=true")
	return startProcess(ctx, cmd, "hmkg serve --store "+store, logPath)
}

// startLibrary runs the Neo4j GraphQL Library's server (bench/neo4jlib,
// whose dependencies scripts/neo4jlib-setup installs) with node on
// 127.0.0.1:0 against the Neo4j in env, in production mode as it would be
// deployed, and waits for its "listening" line.
func startLibrary(ctx context.Context, node, dir, logPath string, env []string) (*server, error) {
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@neo4j", "graphql")); err != nil {
		return nil, fmt.Errorf("%s has no node_modules/@neo4j/graphql: run scripts/neo4jlib-setup (npm ci) first", dir)
	}
	cmd := exec.Command(node, "server.mjs", "--port", "0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "NODE_ENV=production")
	return startProcess(ctx, cmd, "neo4jlib (node server.mjs)", logPath)
}

// startProcess starts cmd, copies its output to logPath and waits until it
// prints a JSON line {"msg":"listening","addr":...}.
func startProcess(ctx context.Context, cmd *exec.Cmd, what, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", what, err)
	}
	s := &server{cmd: cmd, what: what, log: logPath, done: make(chan error, 1)}
	go func() {
		err := cmd.Wait()
		pw.Close()
		s.done <- err
	}()
	addr := make(chan string, 1)
	go func() {
		// Copy the log to its file, watching for the listening line.
		defer logf.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		sent := false
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(append(line, '\n'))
			var rec struct{ Msg, Addr string }
			if !sent && json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" && rec.Addr != "" {
				addr <- rec.Addr
				sent = true
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case a := <-addr:
		s.url = "http://" + a
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("%s exited before listening (%v); see %s", what, err, logPath)
	case <-time.After(5 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("%s did not listen within 5 minutes; see %s", what, logPath)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop asks the server to shut down and waits for it; it reports an exit
// other than the clean one after SIGTERM.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s: %w", s.what, err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			return fmt.Errorf("%s: %w (see %s)", s.what, err, s.log)
		}
		return nil
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("%s did not stop within 30 s after SIGTERM; killed (see %s)", s.what, s.log)
	}
}

// lockNeo4j takes the cross-process lock that the tests sharing this Neo4j
// take (internal/neo4jlock: a flock on a file named after the URI), so the
// benchmark neither wipes a database a test is using nor is wiped by one.
func lockNeo4j(uri string) (release func(), err error) {
	name := "hmkg-neo4j-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(uri)) + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("lock neo4j: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock neo4j: %w", err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// wipeNeo4j deletes every node and relationship, in batches, in the
// database that env (neo4jEnv) names.
func wipeNeo4j(ctx context.Context, env []string) error {
	get := func(key string) string {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, key+"="); ok {
				return v
			}
		}
		return ""
	}
	uri, user, password, database := get("NEO4J_URI"), get("NEO4J_USERNAME"), get("NEO4J_PASSWORD"), get("NEO4J_DATABASE")
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""))
	if err != nil {
		return fmt.Errorf("wipe neo4j: %w", err)
	}
	defer drv.Close(ctx)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: database})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
	if err != nil {
		return fmt.Errorf("wipe neo4j: %w", err)
	}
	if _, err := res.Consume(ctx); err != nil {
		return fmt.Errorf("wipe neo4j: %w", err)
	}
	return nil
}
