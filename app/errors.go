package app

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Code classifies an error; app/web maps each code to one HTTP status.
type Code string

// Error codes. Keep the list short: callers branch on these, never on messages.
const (
	EINVALID      Code = "invalid"      // input failed validation; Fields says where
	ENOTFOUND     Code = "not_found"    // the record does not exist (or must not be seen to exist)
	EUNAUTHORIZED Code = "unauthorized" // no valid session or token
	EFORBIDDEN    Code = "forbidden"    // authenticated, but not allowed here
	ECONFLICT     Code = "conflict"     // the record changed or a unique value is taken
	ERATELIMITED  Code = "rate_limited" // too many attempts; try later
	EUNAVAILABLE  Code = "unavailable"  // a dependency is down; try later
	EINTERNAL     Code = "internal"     // a bug or an unexpected failure; details only in logs
)

// Message is a translatable text: a message id from the locale catalogs and its arguments.
type Message struct {
	ID   string
	Args map[string]any
}

// Error is a domain error with a safe, translatable message for users.
// The wrapped Err carries internal detail for logs only.
type Error struct {
	Code    Code
	Message Message
	// Fields maps an input field name (as in JSON and forms) to what is wrong with it.
	Fields map[string]Message
	Err    error
	// RetryAfter says how long a refused caller should wait (ERATELIMITED); zero when unknown.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message.ID
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			names = append(names, f+"="+e.Fields[f].ID)
		}
		sort.Strings(names)
		s += fmt.Sprint(" ", names)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with a message id and optional key/value arguments.
func Errorf(code Code, msgID string, kv ...any) *Error {
	return &Error{Code: code, Message: Msg(msgID, kv...)}
}

// Msg builds a Message from an id and alternating key/value arguments.
func Msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 1 {
		m.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return m
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }

// NotFound is the error for a missing record of the named kind.
func NotFound(kind string) *Error {
	return Errorf(ENOTFOUND, "error.not_found", "kind", kind)
}

// Forbidden is the error for an action the principal may not take.
func Forbidden() *Error { return Errorf(EFORBIDDEN, "error.forbidden") }

// Unauthorized is the error for a request without a valid identity.
func Unauthorized() *Error { return Errorf(EUNAUTHORIZED, "error.unauthorized") }

// FieldErrors collects per-field validation problems before they become one EINVALID error.
type FieldErrors map[string]Message

// Add records a problem with a field; the first problem per field wins.
func (f FieldErrors) Add(field, msgID string, kv ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Msg(msgID, kv...)
	}
}

// Err returns nil when no field failed, else an EINVALID error carrying the fields.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: Msg("error.invalid"), Fields: map[string]Message(f)}
}
