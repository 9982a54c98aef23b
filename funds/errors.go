package funds

import (
	"errors"
	"strings"
)

// FieldError says which input field is wrong and why, so a form can show it beside the field
// and the JSON API can list it under "fields".
type FieldError struct {
	Field string // dotted path of the offending field, e.g. "ratio.denominator" or "entries[2].amount"
	Err   error
}

// Error reports the field and the reason.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap exposes the reason so callers can match sentinel errors with errors.Is.
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors is every problem one validation found, so a form can show them all at once.
type FieldErrors []*FieldError

// Error joins the problems in the order they were found.
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.Is and errors.As see each field's error.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// add records a problem with one field.
func (es *FieldErrors) add(field string, err error) {
	*es = append(*es, &FieldError{Field: field, Err: err})
}

// addf records a problem with one field from a plain message.
func (es *FieldErrors) addf(field, msg string) { es.add(field, errors.New(msg)) }

// err returns nil when nothing was found, so callers can `return es.err()`.
func (es FieldErrors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// fieldErr wraps err with the name of the field it concerns.
func fieldErr(field string, err error) error { return &FieldError{Field: field, Err: err} }
