package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Local stores objects as files under a root directory ($DATA_DIR/media by default).
type Local struct {
	root    string
	staging string
}

// NewLocal prepares root and its staging directory.
func NewLocal(root string) (*Local, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	staging := filepath.Join(root, "staging")
	if err := os.MkdirAll(staging, 0o750); err != nil {
		return nil, fmt.Errorf("media storage %s: %w", root, err)
	}
	return &Local{root: root, staging: staging}, nil
}

// Name implements Store.
func (l *Local) Name() string { return "local" }

// StagingDir implements Store (same filesystem, so PutFile is a rename).
func (l *Local) StagingDir() string { return l.staging }

func (l *Local) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// PutFile implements Store: an atomic rename into place (a copy when path is on another
// filesystem). Content-addressed, so an existing object is already the same bytes.
func (l *Local) PutFile(_ context.Context, key, path, _ string) error {
	dst, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil {
		return os.Remove(path)
	}
	if err := os.Rename(path, dst); err == nil {
		return nil
	}
	// another filesystem: copy to a temporary name beside dst, then rename
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".put-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Remove(path)
}

// Open implements Store.
func (l *Local) Open(_ context.Context, key string) (Object, error) {
	p, err := l.path(key)
	if err != nil {
		return Object{}, err
	}
	// A plain blocking descriptor: regular files gain nothing from the network poller, and
	// os.Open would spend a syscall trying to register it.
	fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ENOENT) {
		return Object{}, ErrNotFound
	}
	if err != nil {
		return Object{}, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	f := os.NewFile(uintptr(fd), p)
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return Object{}, err
	}
	return Object{Reader: f, Size: st.Size(), ModTime: st.ModTime(), Close: f.Close}, nil
}

// Fetch implements Store: local objects are read in place.
func (l *Local) Fetch(_ context.Context, key string) (string, func(), error) {
	p, err := l.path(key)
	if err != nil {
		return "", nil, err
	}
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil, ErrNotFound
		}
		return "", nil, err
	}
	return p, func() {}, nil
}

// Exists implements Store.
func (l *Local) Exists(_ context.Context, key string) (bool, error) {
	p, err := l.path(key)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
