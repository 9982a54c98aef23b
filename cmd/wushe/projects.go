package main

import "context"

// lapseProjects moves projects whose deliberation ended below the support threshold to
// lapsed (reads already show them lapsed; this writes it, with the audit event).
func (m *Main) lapseProjects(ctx context.Context) error {
	n, err := m.App.LapseProjects(ctx)
	if n > 0 {
		m.Log.Info("lapsed projects", "count", n)
	}
	return err
}
