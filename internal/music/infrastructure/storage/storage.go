// Package storage keeps audio files under content-addressed keys, on the local filesystem or in
// an S3-compatible bucket. Keys are made by the server from a file's SHA-256 and checked before
// use, so nothing a client sends ever becomes a path.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// Object is an opened stored file. Reader is an *os.File for the local store, so that
// http.ServeContent can hand it to sendfile.
type Object struct {
	Reader  io.ReadSeeker
	Size    int64
	ModTime time.Time
	Close   func() error
}

// ErrNotFound is returned for a key that holds nothing.
var ErrNotFound = errors.New("storage: object not found")

// ErrBadKey is returned for a key the server did not make.
var ErrBadKey = errors.New("storage: malformed key")

var keyRE = regexp.MustCompile(`^audio/[0-9a-f]{2}/[0-9a-f]{64}$`)

// KeyFor is the content address of a file with the given hex SHA-256.
func KeyFor(sha256Hex string) (string, error) {
	k := "audio/" + safePrefix(sha256Hex) + "/" + sha256Hex
	if !keyRE.MatchString(k) {
		return "", fmt.Errorf("%w: %q", ErrBadKey, sha256Hex)
	}
	return k, nil
}

func safePrefix(h string) string {
	if len(h) < 2 {
		return h
	}
	return h[:2]
}

// CheckKey refuses anything but a key made by KeyFor.
func CheckKey(key string) error {
	if !keyRE.MatchString(key) {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// Store is what the music context needs from storage.
type Store interface {
	// StagingDir is a local directory for files being received or produced.
	StagingDir() string
	// PutFile stores the local file at path under key (taking ownership of the file).
	PutFile(ctx context.Context, key, path, contentType string) error
	// Open opens a stored object for reading.
	Open(ctx context.Context, key string) (Object, error)
	// Fetch makes the object available as a local file; cleanup removes any copy made.
	Fetch(ctx context.Context, key string) (path string, cleanup func(), err error)
	// Exists reports whether key holds an object.
	Exists(ctx context.Context, key string) (bool, error)
	// Name says which backend this is ("local", "s3").
	Name() string
}

// Key implements the application's content addressing for the local store.
func (l *Local) Key(sha256Hex string) (string, error) { return KeyFor(sha256Hex) }

// Key implements the application's content addressing for the S3 store.
func (s *S3) Key(sha256Hex string) (string, error) { return KeyFor(sha256Hex) }
