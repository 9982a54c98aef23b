package web_test

func init() { authCaseSets = append(authCaseSets, searchAuthCases) }

// searchAuthCases: search is public; only public summaries are indexed.
func searchAuthCases() map[string]authCase {
	return map[string]authCase{
		"GET /search":        {allow: anyone, build: fixed("/search?q=%E5%85%BB%E8%80%81")},
		"GET /api/v1/search": {allow: anyone, build: fixed("/api/v1/search?q=%E5%85%BB%E8%80%81&type=need,project")},
	}
}
