package meili

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wushe/wushe/search"
)

// filterString translates a normalized search.Filter into Meilisearch filter syntax. It
// returns "" for a filter that matches everything.
func filterString(f search.Filter) (string, error) {
	if f.Op == search.OpAll {
		return "", nil
	}
	var b strings.Builder
	if err := writeFilter(&b, f); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeFilter(b *strings.Builder, f search.Filter) error {
	switch f.Op {
	case search.OpEq:
		v, err := literal(f.Field, f.Values[0])
		if err != nil {
			return err
		}
		b.WriteString(f.Field + " = " + v)
	case search.OpIn:
		b.WriteString(f.Field + " IN [")
		for i, x := range f.Values {
			v, err := literal(f.Field, x)
			if err != nil {
				return err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v)
		}
		b.WriteString("]")
	case search.OpRange:
		b.WriteString("(")
		if f.Min != nil {
			op := " >= "
			if f.Min.Exclusive {
				op = " > "
			}
			b.WriteString(f.Field + op + strconv.FormatInt(f.Min.Value.(int64), 10))
		}
		if f.Min != nil && f.Max != nil {
			b.WriteString(" AND ")
		}
		if f.Max != nil {
			op := " <= "
			if f.Max.Exclusive {
				op = " < "
			}
			b.WriteString(f.Field + op + strconv.FormatInt(f.Max.Value.(int64), 10))
		}
		b.WriteString(")")
	case search.OpAnd, search.OpOr:
		join := " AND "
		if f.Op == search.OpOr {
			join = " OR "
		}
		b.WriteString("(")
		for i, c := range f.Filters {
			if i > 0 {
				b.WriteString(join)
			}
			if err := writeFilter(b, c); err != nil {
				return err
			}
		}
		b.WriteString(")")
	case search.OpNot:
		b.WriteString("NOT (")
		if err := writeFilter(b, f.Filters[0]); err != nil {
			return err
		}
		b.WriteString(")")
	case search.OpGeoRadius:
		fmt.Fprintf(b, "_geoRadius(%s, %s, %s)", num(f.Center.Lat), num(f.Center.Lng), num(f.RadiusM))
	case search.OpGeoBox:
		// Meilisearch wants the top-right (north-east) corner first, then the bottom-left.
		fmt.Fprintf(b, "_geoBoundingBox([%s, %s], [%s, %s])",
			num(f.Box.MaxLat), num(f.Box.MaxLng), num(f.Box.MinLat), num(f.Box.MinLng))
	default:
		return fmt.Errorf("filter operator %d not supported", f.Op)
	}
	return nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// literal renders a normalized value: int64 as a number, string quoted.
func literal(field string, v any) (string, error) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), nil
	case string:
		return quote(v), nil
	}
	return "", fmt.Errorf("filter %s: unexpected value type %T", field, v)
}

// filterEscaper escapes a string for a double-quoted Meilisearch filter value. The 1.21
// filter parser reads a quoted value in two layers: it finds the closing quote skipping every
// backslash pair, then resolves escape sequences (\\, \", \n, \u0041…) in the result. So a
// backslash must be doubled — left alone, "养老\助餐" is rejected as malformed and "a\b"
// is silently read as an escape sequence and matches nothing — and the quote escaped. Checked against the server for values
// ending in a backslash, holding \" or \', and \n or \u sequences (see TestFilterQuoting).
var filterEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func quote(s string) string { return `"` + filterEscaper.Replace(s) + `"` }
