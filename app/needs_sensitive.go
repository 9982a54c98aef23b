package app

import "slices"

// SensitiveCategories are the need categories PIPL art. 28 treats as sensitive personal
// information: health (health checks, counselling), disability, and minors (child care,
// youth services). A need in one of them is sensitive whatever its filer says.
var SensitiveCategories = []string{"health", "disability_support", "counseling", "child_care", "youth"}

// IsSensitiveCategory reports whether a need category is sensitive.
func IsSensitiveCategory(code string) bool { return slices.Contains(SensitiveCategories, code) }
