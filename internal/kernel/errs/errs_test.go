package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

var errSample = errs.New(errs.Conflict, "test.sample", "sample")

func TestCopiesMatchTheOriginal(t *testing.T) {
	t.Parallel()
	c := errSample.WithMessage("more precise").WithField("x", "bad").Wrap(errors.New("driver text"))
	wrapped := fmt.Errorf("outer: %w", c)
	assert.ErrorIs(t, wrapped, errSample)
	got, ok := errs.As(wrapped)
	require.True(t, ok)
	assert.Equal(t, "more precise", got.Message())
	assert.Equal(t, map[string]string{"x": "bad"}, got.Fields())
	assert.Nil(t, errSample.Fields(), "copies must not alias the original's fields")
	assert.NotErrorIs(t, wrapped, errs.ErrNotFound)
}

func TestFieldsCollect(t *testing.T) {
	t.Parallel()
	f := errs.Fields{}
	assert.NoError(t, f.Err(errs.ErrValidation))
	f.Add("email", "required")
	f.Add("email", "second problem is dropped")
	err := f.Err(errs.ErrValidation)
	e, ok := errs.As(err)
	require.True(t, ok)
	assert.Equal(t, "required", e.Fields()["email"])
}
