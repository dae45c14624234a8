package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// APIKeys maps secret keys to the names recorded as the actor of changes.
type APIKeys map[string]string

// ParseAPIKeys reads keys from "name:key,name2:key2". A bare "key" gets the
// name "key-" plus the first 8 hex digits of its SHA-256, so the audit log
// can tell keys apart without recording them.
func ParseAPIKeys(s string) (APIKeys, error) {
	keys := APIKeys{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, key, ok := strings.Cut(part, ":")
		if !ok {
			key = name
			name = fmt.Sprintf("key-%x", sha256.Sum256([]byte(key)))[:12]
		}
		if len(key) < 16 {
			return nil, fmt.Errorf("api key for %q is %d characters; use at least 16", name, len(key))
		}
		keys[key] = name
	}
	return keys, nil
}

// actor returns the name of the key that signed the request.
func (k APIKeys) actor(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return "", false
	}
	for key, name := range k {
		if subtle.ConstantTimeCompare([]byte(key), []byte(token)) == 1 {
			return name, true
		}
	}
	return "", false
}
