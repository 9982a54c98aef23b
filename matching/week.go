package matching

import "math/bits"

// HoursPerWeek is the number of hour slots in a Week.
const HoursPerWeek = 7 * 24

// Week is a weekly availability or time window: 168 hour slots, bit index day*24+hour with
// Monday = day 0. It has the same layout as the application's availability type, so a value
// converts directly.
type Week [3]uint64

// Set marks hour h (0–23) of day d (0 = Monday) as included.
func (w *Week) Set(d, h int) {
	i := d*24 + h
	w[i/64] |= 1 << (i % 64)
}

// SetRange marks hours [from, to) of day d; to may be 24.
func (w *Week) SetRange(d, from, to int) {
	for h := from; h < to; h++ {
		w.Set(d, h)
	}
}

// Has reports whether hour h of day d is included.
func (w Week) Has(d, h int) bool {
	i := d*24 + h
	return w[i/64]&(1<<(i%64)) != 0
}

// Hours counts the included hour slots.
func (w Week) Hours() int {
	return bits.OnesCount64(w[0]) + bits.OnesCount64(w[1]) + bits.OnesCount64(w[2])
}

// Overlap counts the hour slots included in both weeks.
func (w Week) Overlap(o Week) int {
	return bits.OnesCount64(w[0]&o[0]) + bits.OnesCount64(w[1]&o[1]) + bits.OnesCount64(w[2]&o[2])
}

// IsZero reports whether no slot is included; a zero window means "any time".
func (w Week) IsZero() bool { return w == Week{} }

// valid reports whether only the 168 defined bits are set.
func (w Week) valid() bool { return w[2]>>(HoursPerWeek-128) == 0 }
