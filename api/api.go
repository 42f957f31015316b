// Package api holds the OpenAPI 3 document, kept as one fragment per context under openapi/ and
// merged into one document at start-up.
package api

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

//go:embed openapi/*.yaml
var fragments embed.FS

var (
	once    sync.Once
	docJSON []byte
	doc     *openapi3.T
	docErr  error
)

// Document returns the merged, validated OpenAPI document as JSON and as a parsed value.
func Document() ([]byte, *openapi3.T, error) {
	once.Do(func() { docJSON, doc, docErr = build() })
	return docJSON, doc, docErr
}

func build() ([]byte, *openapi3.T, error) {
	names, err := fs.Glob(fragments, "openapi/*.yaml")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names) // 00-base.yaml first
	merged := map[string]any{}
	for _, name := range names {
		b, err := fragments.ReadFile(name)
		if err != nil {
			return nil, nil, err
		}
		var frag map[string]any
		if err := yaml.Unmarshal(b, &frag); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := mergeInto(merged, frag, name); err != nil {
			return nil, nil, err
		}
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return nil, nil, err
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := t.Validate(context.Background()); err != nil {
		return nil, nil, fmt.Errorf("validate openapi: %w", err)
	}
	return raw, t, nil
}

// mergeInto merges maps recursively; two fragments defining the same leaf is an error, so a
// context cannot silently override another's path or schema.
func mergeInto(dst, src map[string]any, from string) error {
	for k, v := range src {
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		em, eok := existing.(map[string]any)
		vm, vok := v.(map[string]any)
		if !eok || !vok {
			return fmt.Errorf("%s: %q is defined twice", from, k)
		}
		if err := mergeInto(em, vm, from); err != nil {
			return err
		}
	}
	return nil
}
