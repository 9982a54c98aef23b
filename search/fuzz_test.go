package search

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// fuzzFields are the filter fields a request may name, plus one that does not exist.
var fuzzFields = []string{FieldType, FieldID, FieldCommunity, FieldGrid, FieldCategory, FieldStatus, FieldKind, FieldTags,
	FieldCreatedAt, FieldEndsAt, FieldAmount, "no_such_field", ""}

// fuzzBytes hands out the fuzzer's bytes one decision at a time (zero when they run out).
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) next() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) i64() int64 {
	var n uint64
	for range 8 {
		n = n<<8 | uint64(f.next())
	}
	return int64(n)
}

func (f *fuzzBytes) str() string {
	n := int(f.next() % 12)
	n = min(n, len(f.b))
	s := string(f.b[:n])
	f.b = f.b[n:]
	return s
}

func (f *fuzzBytes) value() any {
	switch f.next() % 9 {
	case 0:
		return f.str()
	case 1:
		return int(f.i64())
	case 2:
		return f.i64()
	case 3:
		return uint64(f.i64())
	case 4:
		return int32(f.i64())
	case 5:
		return time.UnixMilli(f.i64() % (1 << 50)).UTC()
	case 6:
		return float64(f.i64())
	case 7:
		return Type(f.str())
	}
	return nil
}

func (f *fuzzBytes) filter(depth int) Filter {
	op := Op(f.next() % 10) // one past the last operator: unknown
	out := Filter{Op: op, Field: fuzzFields[int(f.next())%len(fuzzFields)]}
	switch op {
	case OpEq, OpIn:
		for range int(f.next() % 4) {
			out.Values = append(out.Values, f.value())
		}
	case OpRange:
		if f.next()%2 == 0 {
			out.Min = &Bound{Value: f.value(), Exclusive: f.next()%2 == 0}
		}
		if f.next()%2 == 0 {
			out.Max = &Bound{Value: f.value(), Exclusive: f.next()%2 == 0}
		}
	case OpAnd, OpOr, OpNot:
		if depth < 12 {
			for range int(f.next() % 4) {
				out.Filters = append(out.Filters, f.filter(depth+1))
			}
		}
	case OpGeoRadius:
		out.Center = GeoPoint{Lat: float64(int8(f.next())) * 0.9, Lng: float64(int8(f.next())) * 1.5}
		out.RadiusM = []float64{0, 1, 500, MaxRadiusM, MaxRadiusM + 1, math.NaN(), math.Inf(1), -1}[f.next()%8]
	case OpGeoBox:
		out.Box = GeoBox{MinLat: float64(int8(f.next())), MinLng: float64(int8(f.next())), MaxLat: float64(int8(f.next())), MaxLng: float64(int8(f.next()))}
	}
	return out
}

// FuzzFilterNormalize builds filters from arbitrary bytes — unknown fields and operators,
// values of every Go type, deep nesting, NaN radii — and checks Normalize never panics,
// refuses with a *ValidationError, and returns a canonical filter: normalizing it again
// changes nothing, and every value is an int64 or a string (what the engines translate).
func FuzzFilterNormalize(f *testing.F) {
	f.Add([]byte{byte(OpEq), 4, 0, 0, 3, 'e', 'n', 'v'})
	f.Add([]byte{byte(OpAnd), 0, 3, byte(OpRange), 8, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, byte(OpNot), 0, 1, byte(OpNot), 0, 1, byte(OpEq), 2, 1, 2})
	f.Add([]byte{byte(OpGeoRadius), 0, 30, 80, 2})
	f.Add([]byte{byte(OpOr), 0, 2, byte(OpAll), 0, byte(OpIn), 0, 3, 7, 4, 'n', 'e', 'e', 'd'})
	f.Fuzz(func(t *testing.T, data []byte) {
		fb := &fuzzBytes{b: data}
		in := fb.filter(0)
		n, err := in.Normalize()
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error %T %v is not a *ValidationError", err, err)
			}
			return
		}
		again, err := n.Normalize()
		if err != nil || !reflect.DeepEqual(again, n) {
			t.Fatalf("normalize is not idempotent:\n%#v\n→ %#v (%v)", n, again, err)
		}
		var walk func(Filter)
		walk = func(f Filter) {
			for _, v := range f.Values {
				switch v.(type) {
				case int64, string:
				default:
					t.Fatalf("normalized value %#v (%T)", v, v)
				}
			}
			for _, b := range []*Bound{f.Min, f.Max} {
				if b != nil {
					if _, ok := b.Value.(int64); !ok {
						t.Fatalf("normalized bound %#v", b.Value)
					}
				}
			}
			for _, c := range f.Filters {
				if c.Op == OpAll {
					t.Fatalf("normalized filter keeps an empty condition inside %#v", f)
				}
				walk(c)
			}
		}
		walk(n)
	})
}
