// Package templates holds Wushe's HTML pages, partials, static assets and locale catalogs,
// embedded so the binary serves them offline (no CDN).
package templates

import (
	"embed"
	"io/fs"
)

//go:embed layout/*.html partials/*.html pages/*.html static locales/*.json
var files embed.FS

// FS returns every template, asset and catalog.
func FS() fs.FS { return files }

// Static returns the static assets rooted at static/.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}
