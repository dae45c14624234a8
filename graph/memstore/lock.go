package memstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hmkg/hmkg/graph"
)

// Only one process may hold a data directory: bbolt takes an exclusive
// lock (flock) on the data file, which the operating system releases when
// the process ends, however it ends. The lock itself says nothing about its
// holder, so the holder also writes HolderFileName into the directory once
// it has the lock, and a process that cannot get the lock reads it to say
// who has the directory. A file left behind by a process that was killed is
// harmless: the next holder overwrites it.

// HolderFileName is the file in the data directory that names the process
// holding it.
const HolderFileName = "hmkg.pid"

// holder is what HolderFileName records.
type holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Host    string    `json:"host,omitempty"`
	Since   time.Time `json:"since"`
}

// thisProcess describes the running process. The command is the program
// and its subcommand ("hmkg serve"), never the other arguments, which may
// hold secrets.
func thisProcess() holder {
	cmd := "unknown"
	if len(os.Args) > 0 {
		cmd = filepath.Base(os.Args[0])
		if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
			cmd += " " + os.Args[1]
		}
	}
	host, _ := os.Hostname()
	return holder{PID: os.Getpid(), Command: cmd, Host: host, Since: time.Now().UTC().Truncate(time.Second)}
}

// writeHolder records h as the holder of dir; the caller holds the lock.
// It writes a temporary file and renames it, so that a reader sees the old
// record or the new one, never half of one.
func writeHolder(dir string, h holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode holder: %w", err)
	}
	path := filepath.Join(dir, HolderFileName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removeHolder deletes the holder record of dir; the caller still holds
// the lock, so the record is its own.
func removeHolder(dir string) error {
	if err := os.Remove(filepath.Join(dir, HolderFileName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove holder record: %w", err)
	}
	return nil
}

func readHolder(dir string) (holder, error) {
	var h holder
	b, err := os.ReadFile(filepath.Join(dir, HolderFileName))
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("%s: %w", HolderFileName, err)
	}
	if h.PID <= 0 {
		return h, fmt.Errorf("%s names no process", HolderFileName)
	}
	return h, nil
}

// inUseError is the error of Open when another holder kept the lock of dir
// for the whole of waited.
func inUseError(dir string, waited time.Duration) error {
	const advice = "stop it or use another data directory (--data-dir or HMKG_DATA_DIR)"
	h, err := readHolder(dir)
	if err != nil {
		return graph.Errorf(graph.EUNAVAILABLE,
			"data directory %s is in use by another process (still locked after %s; which process is unknown: %v); %s",
			dir, waited, err, advice)
	}
	me := thisProcess()
	who := fmt.Sprintf("pid %d", h.PID)
	if h.Host != "" && h.Host != me.Host {
		who += " on host " + h.Host
	}
	if h.Command != "" {
		who += ", " + h.Command
	}
	if !h.Since.IsZero() {
		who += ", holding it since " + h.Since.Format(time.RFC3339)
	}
	if h.PID == me.PID && h.Host == me.Host {
		return graph.Errorf(graph.EUNAVAILABLE,
			"data directory %s is already open in this process (%s); close that store before opening it again", dir, who)
	}
	return graph.Errorf(graph.EUNAVAILABLE, "data directory %s is in use by another hmkg process (%s); %s", dir, who, advice)
}
