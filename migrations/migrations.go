// Package migrations holds Wushe's versioned SQL schema, one folder per dialect, embedded in the binary.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialect names a folder of migrations.
type Dialect string

// The dialects Wushe ships migrations for.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// FS returns the migrations of one dialect, rooted so goose sees NNNNN_name.sql at the top.
func FS(d Dialect) (fs.FS, error) {
	switch d {
	case Postgres, SQLite:
		return fs.Sub(files, string(d))
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", d)
	}
}
