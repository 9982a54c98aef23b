package matching

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseProblem decodes a problem in the JSON contract of "wushe match solve". It checks syntax
// and types; Solve (or Problem.Validate) checks the meaning, so a problem is validated once.
//
// It is a strict decoder for this one schema rather than encoding/json: a dense 1,000 × 1,000
// problem is a million edges (50 MB), which this reads in under a fifth of a second and
// encoding/json, made as strict, in over a second (see docs/perf/matching.md). It accepts exactly RFC 8259 JSON and
// rejects, with the line and column: malformed JSON, unknown or repeated fields (a misspelt
// "capacty" would otherwise read as capacity 0), missing or null scalar fields, fractional or
// out-of-range capacities, scores that do not fit a float64 (1e999 is valid JSON), strings
// that are not UTF-8. A null array is empty.
// Errors are *FieldError values whose Field names the entry ("edges[12].score"), or "json".
func ParseProblem(data []byte) (Problem, error) {
	d := decoder{data: data, intern: map[string]string{}}
	p, err := d.problem()
	if err != nil {
		return Problem{}, err
	}
	return p, nil
}

// loc names a place in the problem ("edges[12].score") without formatting it until an error
// needs it: a million edges must not cost a million Sprintf calls.
type loc struct {
	list string // "workers", "tasks", "edges", or a top-level name
	i    int    // index in list, or -1
	name string // field inside the element, or ""
}

func (l loc) String() string {
	s := l.list
	if l.i >= 0 {
		s += "[" + strconv.Itoa(l.i) + "]"
	}
	if l.name != "" {
		s += "." + l.name
	}
	return s
}

func top(name string) loc { return loc{list: name, i: -1} }

type decoder struct {
	data   []byte
	i      int
	intern map[string]string // ids repeat in every edge: keep one copy of each
	last   string            // the last worker id read
}

// errAt reports a fault at the current position.
func (d *decoder) errAt(field loc, format string, args ...any) error {
	line, col := 1, 1
	for _, c := range d.data[:min(d.i, len(d.data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fieldErrorf(field.String(), "%s (line %d column %d)", fmt.Sprintf(format, args...), line, col)
}

func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// atEnd reports whether only white space is left. (peek's 0 cannot say so: a NUL byte reads
// the same, and FuzzParseProblem found `{"objective":""}` followed by one accepted.)
func (d *decoder) atEnd() bool {
	d.ws()
	return d.i >= len(d.data)
}

// peek returns the next non-space byte, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

func (d *decoder) expect(c byte, field loc) error {
	switch got := d.peek(); {
	case got == c:
		d.i++
		return nil
	case got == 0:
		return d.errAt(jsonLoc, "malformed JSON in %s: input ends, want %q", field, c)
	default:
		return d.errAt(jsonLoc, "malformed JSON in %s: want %q, got %q", field, c, got)
	}
}

// null consumes a literal null if one is next.
func (d *decoder) null() bool {
	if d.peek() == 'n' && len(d.data)-d.i >= 4 && string(d.data[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object parses {"key": value, ...}, calling member for each key with the decoder positioned
// at the value; keys must be distinct.
func (d *decoder) object(field loc, member func(key string) error) error {
	if err := d.expect('{', field); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.i++
		return nil
	}
	var seen [4]string
	n := 0
	for {
		if d.peek() != '"' {
			return d.errAt(jsonLoc, "malformed JSON in %s: want a field name", field)
		}
		key, err := d.key(field)
		if err != nil {
			return err
		}
		for _, k := range seen[:n] {
			if k == key {
				return d.errAt(field, "field %q appears twice", key)
			}
		}
		if n < len(seen) {
			seen[n] = key
			n++
		}
		if err := d.expect(':', field); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		case 0:
			return d.errAt(jsonLoc, "malformed JSON in %s: input ends, want ',' or '}'", field)
		default:
			return d.errAt(jsonLoc, "malformed JSON in %s: want ',' or '}'", field)
		}
	}
}

// array parses [elem, ...] or null, calling elem for each element with its index.
func (d *decoder) array(field loc, elem func(i int) error) error {
	if d.null() {
		return nil
	}
	if err := d.expect('[', field); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		case 0:
			return d.errAt(jsonLoc, "malformed JSON in %s: input ends, want ',' or ']'", field)
		default:
			return d.errAt(jsonLoc, "malformed JSON in %s: want ',' or ']'", field)
		}
	}
}

func (d *decoder) problem() (Problem, error) {
	var p Problem
	var hasObj bool
	if d.atEnd() {
		return p, d.errAt(jsonLoc, "empty input: want a problem object")
	}
	err := d.object(top("problem"), func(key string) error {
		switch key {
		case "objective":
			s, ok, err := d.optStr(top("objective"))
			p.Objective, hasObj = Objective(s), ok
			return err
		case "workers":
			return d.array(top("workers"), func(i int) error {
				w, err := d.node("workers", i)
				p.Workers = append(p.Workers, w)
				return err
			})
		case "tasks":
			return d.array(top("tasks"), func(i int) error {
				w, err := d.node("tasks", i)
				p.Tasks = append(p.Tasks, Task(w))
				return err
			})
		case "edges":
			// Growing a slice of a million edges by appending copies it many times over;
			// counting the '{' left is a cheap upper-bound size hint.
			if d.peek() == '[' {
				p.Edges = make([]Edge, 0, bytes.Count(d.data[d.i:], []byte("{")))
			}
			return d.array(top("edges"), func(i int) error {
				e, err := d.edge(i)
				p.Edges = append(p.Edges, e)
				return err
			})
		}
		return d.errAt(top(key), "unknown field (want objective, workers, tasks, edges)")
	})
	if err != nil {
		return p, err
	}
	if !d.atEnd() {
		return p, d.errAt(jsonLoc, "unexpected data after the problem object")
	}
	if !hasObj {
		return p, fieldErrorf("objective", "missing (want %q or %q)", MaxScore, MaxCoverage)
	}
	return p, nil
}

func (d *decoder) node(kind string, i int) (Worker, error) {
	var w Worker
	var hasID, hasCap bool
	field := func(name string) loc { return loc{kind, i, name} }
	err := d.object(loc{kind, i, ""}, func(key string) error {
		var err error
		switch key {
		case "id":
			w.ID, hasID, err = d.optStr(field("id"))
			return err
		case "capacity":
			w.Capacity, hasCap, err = d.capacity(field("capacity"))
			return err
		}
		return d.errAt(field(key), "unknown field (want id, capacity)")
	})
	switch {
	case err != nil:
		return w, err
	case !hasID:
		return w, field("id").errorf("missing")
	case !hasCap:
		return w, field("capacity").errorf("missing (id %q)", w.ID)
	}
	return w, nil
}

func (d *decoder) edge(i int) (Edge, error) {
	var e Edge
	var hasW, hasT, hasS bool
	field := func(name string) loc { return loc{"edges", i, name} }
	err := d.object(loc{"edges", i, ""}, func(key string) error {
		var err error
		switch key {
		case "worker":
			e.Worker, hasW, err = d.optStr(field("worker"))
			return err
		case "task":
			e.Task, hasT, err = d.optStr(field("task"))
			return err
		case "score":
			e.Score, hasS, err = d.score(field("score"))
			return err
		}
		return d.errAt(field(key), "unknown field (want worker, task, score)")
	})
	switch {
	case err != nil:
		return e, err
	case !hasW:
		return e, field("worker").errorf("missing")
	case !hasT:
		return e, field("task").errorf("missing")
	case !hasS:
		return e, field("score").errorf("missing")
	}
	return e, nil
}

// key reads a field name. Names are compared and dropped, so the common unescaped case returns
// a string that shares the input's bytes only for the duration of the comparison switch.
func (d *decoder) key(field loc) (string, error) {
	start := d.i + 1
	for j := start; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			d.i = j + 1
			for _, k := range knownKeys {
				if string(d.data[start:j]) == k {
					return k, nil
				}
			}
			return string(d.data[start:j]), nil
		case c == '\\' || c < 0x20:
			return d.str(field)
		}
	}
	return d.str(field)
}

var knownKeys = [...]string{"worker", "task", "score", "id", "capacity", "objective", "workers", "tasks", "edges"}

// optStr reads a string, or null (ok false).
func (d *decoder) optStr(field loc) (string, bool, error) {
	if d.null() {
		return "", false, nil
	}
	if d.peek() != '"' {
		return "", false, d.errAt(field, "want a string")
	}
	s, err := d.str(field)
	return s, err == nil, err
}

// str reads a JSON string at d.i (which is '"').
func (d *decoder) str(field loc) (string, error) {
	d.i++
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			b := d.data[start:d.i]
			d.i++
			// Edges usually come grouped by worker: a one-entry cache answers most lookups
			// before the intern map is asked.
			if string(b) == d.last {
				return d.last, nil
			}
			if !utf8.Valid(b) {
				return "", d.errAt(field, "string is not valid UTF-8")
			}
			s, ok := d.intern[string(b)]
			if !ok {
				s = string(b)
				d.intern[s] = s
			}
			if field.name == "worker" {
				d.last = s
			}
			return s, nil
		case c == '\\':
			return d.strSlow(field, start)
		case c < 0x20:
			return "", d.errAt(jsonLoc, "malformed JSON in %s: control character in string", field)
		}
		d.i++
	}
	return "", d.errAt(jsonLoc, "malformed JSON in %s: string not closed", field)
}

// strSlow finishes a string that has escapes.
func (d *decoder) strSlow(field loc, start int) (string, error) {
	buf := append([]byte(nil), d.data[start:d.i]...)
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(buf) {
				return "", d.errAt(field, "string is not valid UTF-8")
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.errAt(jsonLoc, "malformed JSON in %s: control character in string", field)
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.data) {
			break
		}
		e := d.data[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errAt(jsonLoc, "malformed JSON in %s: bad \\u escape", field)
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.data) && d.data[d.i] == '\\' && d.data[d.i+1] == 'u' {
					d.i += 2
					r2, ok = d.hex4()
					if !ok {
						return "", d.errAt(jsonLoc, "malformed JSON in %s: bad \\u escape", field)
					}
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", d.errAt(field, "string has an unpaired surrogate")
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.errAt(jsonLoc, "malformed JSON in %s: bad escape \\%c", field, e)
		}
	}
	return "", d.errAt(jsonLoc, "malformed JSON in %s: string not closed", field)
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.data[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(v), true
}

// number scans a JSON number and reports whether it has a fraction or exponent.
func (d *decoder) number(field loc) ([]byte, bool, error) {
	d.ws()
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.data) && d.data[d.i] == '-' {
		d.i++
	}
	intStart := d.i
	if n := digits(); n == 0 || (n > 1 && d.data[intStart] == '0') {
		d.i = start
		if d.null() {
			return nil, false, nil
		}
		return nil, false, d.errAt(field, "want a number")
	}
	frac := false
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		frac = true
		if digits() == 0 {
			return nil, false, d.errAt(jsonLoc, "malformed JSON in %s: bad number", field)
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		frac = true
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, false, d.errAt(jsonLoc, "malformed JSON in %s: bad number", field)
		}
	}
	return d.data[start:d.i], frac, nil
}

// capacity reads a whole number in int32 range, or null (ok false).
func (d *decoder) capacity(field loc) (int, bool, error) {
	b, frac, err := d.number(field)
	if err != nil || b == nil {
		return 0, false, err
	}
	if frac {
		return 0, false, d.errAt(field, "%s is not a whole number", b)
	}
	v, err := strconv.ParseInt(string(b), 10, 32)
	if err != nil {
		return 0, false, d.errAt(field, "%s is out of range", b)
	}
	return int(v), true, nil
}

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// score reads a float64, or null (ok false). Short decimals such as 0.830512 take a fast path
// that is still correctly rounded: an integer mantissa below 2^53 divided or multiplied by an
// exact power of ten ≤ 1e22 is one correctly rounded operation (Clinger's fast path).
func (d *decoder) score(field loc) (float64, bool, error) {
	b, _, err := d.number(field)
	if err != nil || b == nil {
		return 0, false, err
	}
	if f, ok := fastFloat(b); ok {
		return f, true, nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false, d.errAt(field, "%s is not a finite number (out of float64 range)", b)
	}
	return f, true, nil
}

func fastFloat(b []byte) (float64, bool) {
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
	}
	var m uint64
	nd, scale := 0, 0
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		m = m*10 + uint64(b[i]-'0')
		nd++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			m = m*10 + uint64(b[i]-'0')
			nd++
			scale++
		}
	}
	if i != len(b) || nd > 15 || scale >= len(pow10) {
		return 0, false // exponent, or too many digits: let strconv decide
	}
	f := float64(m) / pow10[scale]
	if neg {
		f = -f
	}
	return f, true
}

var jsonLoc = top("json")

// errorf reports a fault that has no position, such as a missing field.
func (l loc) errorf(format string, args ...any) error {
	return fieldErrorf(l.String(), format, args...)
}
