package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// "My data" as tables (issue 14, PIPL art. 45): the same rows as the JSON download, each
// section a table of text cells, for the readable page and the XLSX copy.

// MyDataSectionOrder is the order sections are shown in; the store's sections not listed
// follow by name.
var MyDataSectionOrder = []string{"account", "privacy_consents", "memberships", "api_tokens", "volunteer_profiles", "volunteer_skills",
	"donor_profiles", "social_worker_profiles", "needs", "projects", "project_supports", "project_comments", "project_votes", "ratings",
	"signups", "hours", "gifts", "disbursement_votes", "points", "redemptions", "notifications", "audit_events"}

// MyDataSection is one section of a person's data: its name (catalog rights.section.<Name>),
// its columns (database column names) and rows of text cells.
type MyDataSection struct {
	Name    string
	Columns []string
	Rows    [][]string
}

// dataCell writes a stored value as text: times in local time, the rest as stored.
func dataCell(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.In(loc).Format("2006-01-02 15:04:05")
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.In(loc).Format("2006-01-02 15:04:05")
	case []byte:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// dataTables turns the store's sections into ordered tables, columns sorted with id first.
func dataTables(secs map[string][]map[string]any, loc *time.Location) []MyDataSection {
	names := make([]string, 0, len(secs))
	for k := range secs {
		names = append(names, k)
	}
	rank := func(n string) int {
		if i := slices.Index(MyDataSectionOrder, n); i >= 0 {
			return i
		}
		return len(MyDataSectionOrder)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	out := make([]MyDataSection, 0, len(names))
	for _, n := range names {
		rows := secs[n]
		sec := MyDataSection{Name: n, Rows: make([][]string, 0, len(rows))}
		seen := map[string]bool{}
		for _, r := range rows {
			for c := range r {
				if !seen[c] {
					seen[c] = true
					sec.Columns = append(sec.Columns, c)
				}
			}
		}
		sort.Slice(sec.Columns, func(i, j int) bool {
			a, b := sec.Columns[i], sec.Columns[j]
			if (a == "id") != (b == "id") {
				return a == "id"
			}
			return a < b
		})
		for _, r := range rows {
			cells := make([]string, len(sec.Columns))
			for i, c := range sec.Columns {
				cells[i] = dataCell(r[c], loc)
			}
			sec.Rows = append(sec.Rows, cells)
		}
		out = append(out, sec)
	}
	return out
}

// MyDataTables returns everything Wushe holds about the signed-in user as tables, and
// records the copy in the audit log as the JSON download does.
func (a *App) MyDataTables(ctx context.Context) ([]MyDataSection, error) {
	d, err := a.MyPersonalData(ctx)
	if err != nil {
		return nil, err
	}
	return dataTables(d.Sections, a.loc), nil
}
