package app

import (
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Week is a weekly availability: 168 hour slots, bit index day*24+hour, Monday = day 0.
type Week [3]uint64

// DayCodes are the day names used in availability strings, Monday first.
var DayCodes = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Set marks hour h of day d (0 = Monday) as available.
func (w *Week) Set(d, h int) {
	i := d*24 + h
	w[i/64] |= 1 << (i % 64)
}

// Has reports whether hour h of day d is available.
func (w Week) Has(d, h int) bool {
	i := d*24 + h
	return w[i/64]&(1<<(i%64)) != 0
}

// Hours counts the available hour slots.
func (w Week) Hours() int {
	return bits.OnesCount64(w[0]) + bits.OnesCount64(w[1]) + bits.OnesCount64(w[2])
}

// Overlap counts the hour slots available in both weeks.
func (w Week) Overlap(o Week) int {
	return bits.OnesCount64(w[0]&o[0]) + bits.OnesCount64(w[1]&o[1]) + bits.OnesCount64(w[2]&o[2])
}

// IsZero reports whether no slot is set.
func (w Week) IsZero() bool { return w == Week{} }

// Ranges renders the week as "mon 09-12" strings, one per run of consecutive hours.
func (w Week) Ranges() []string {
	var out []string
	for d := 0; d < 7; d++ {
		for h := 0; h < 24; {
			if !w.Has(d, h) {
				h++
				continue
			}
			start := h
			for h < 24 && w.Has(d, h) {
				h++
			}
			out = append(out, fmt.Sprintf("%s %02d-%02d", DayCodes[d], start, h))
		}
	}
	return out
}

// ParseWeek reads ranges like "mon 09-12" (end exclusive, 24 allowed) into a Week.
func ParseWeek(ranges []string) (Week, error) {
	var w Week
	for _, r := range ranges {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		day, span, ok := strings.Cut(strings.Replace(r, ":", " ", 1), " ")
		if !ok {
			return w, fmt.Errorf("availability %q: want \"mon 09-12\"", r)
		}
		d := -1
		for i, c := range DayCodes {
			if strings.EqualFold(strings.TrimSpace(day), c) {
				d = i
			}
		}
		if d < 0 {
			return w, fmt.Errorf("availability %q: unknown day", r)
		}
		a, b, ok := strings.Cut(strings.TrimSpace(span), "-")
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil || start < 0 || end > 24 || start >= end {
			return w, fmt.Errorf("availability %q: hours must be 0 ≤ start < end ≤ 24", r)
		}
		for h := start; h < end; h++ {
			w.Set(d, h)
		}
	}
	return w, nil
}

// MarshalJSON encodes the week as a list of ranges.
func (w Week) MarshalJSON() ([]byte, error) {
	r := w.Ranges()
	if r == nil {
		r = []string{}
	}
	return json.Marshal(r)
}

// UnmarshalJSON decodes a list of ranges.
func (w *Week) UnmarshalJSON(b []byte) error {
	var r []string
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("availability: want a list like [\"mon 09-12\"]")
	}
	v, err := ParseWeek(r)
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Value stores the week as 42 hex digits.
func (w Week) Value() (driver.Value, error) {
	var b [21]byte
	for i := 0; i < 168; i++ {
		if w[i/64]&(1<<(i%64)) != 0 {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return hex.EncodeToString(b[:]), nil
}

// Scan reads the hex form written by Value; an empty string is an empty week.
func (w *Week) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("availability: cannot scan %T", src)
	}
	*w = Week{}
	if s == "" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 21 {
		return fmt.Errorf("availability: bad stored value %q", s)
	}
	for i := 0; i < 168; i++ {
		if b[i/8]&(1<<(i%8)) != 0 {
			w[i/64] |= 1 << (i % 64)
		}
	}
	return nil
}
