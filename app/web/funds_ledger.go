package web

// A fund's public ledger: the page, the JSON API and the CSV and Excel exports.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

type ledgerOut struct {
	Items []*app.LedgerTransaction `json:"items"`
	Total int                      `json:"total"`
	// TotalIsEstimate: as in every list, the ledger has more than Total transactions.
	TotalIsEstimate bool               `json:"total_is_estimate"`
	Page            int                `json:"page"`
	PerPage         int                `json:"per_page"`
	Summary         *app.LedgerSummary `json:"summary"`
}

func (s *Server) ledgerPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	f, err := s.app.Fund(ctx, id)
	if err != nil {
		return err
	}
	txs, total, err := s.app.Ledger(ctx, id, pg)
	if err != nil {
		return err
	}
	sum, err := s.app.FundLedgerSummary(ctx, id)
	if err != nil {
		return err
	}
	lines, err := s.ledgerLines(c, f, txs)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "funds.ledger_of", "name", f.Name), "funds")
	v.Data = map[string]any{"Fund": f, "Txs": lines, "Summary": sum}
	v.Pager = newCountedPager(c, pg, total)
	return s.renderPage(c, http.StatusOK, "fund_ledger", v)
}

func (s *Server) apiLedger(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	format := p.oneOf("format", []string{"json", "csv"})
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	if (format != nil && *format == "csv") || (format == nil && strings.Contains(c.Request().Header.Get("Accept"), "text/csv")) {
		rows, name, err := s.ledgerRows(c, id)
		if err != nil {
			return err
		}
		return writeCSV(c, name, rows)
	}
	ctx := c.Request().Context()
	txs, total, err := s.app.Ledger(ctx, id, pg)
	if err != nil {
		return err
	}
	sum, err := s.app.FundLedgerSummary(ctx, id)
	if err != nil {
		return err
	}
	f, err := s.app.Fund(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.app.LedgerNamesFor(ctx, f.ID, f.Name, txs)
	if err != nil {
		return err
	}
	for _, t := range txs {
		for i := range t.Entries {
			parts, err := app.AccountWords(t.Entries[i].Account, names)
			if err != nil {
				return err
			}
			t.Entries[i].AccountName = s.wordsText(lang(c), parts)
		}
	}
	l := listOf(txs, total, pg)
	return c.JSON(http.StatusOK, ledgerOut{Items: l.Items, Total: l.Total, TotalIsEstimate: l.TotalIsEstimate, Page: l.Page, PerPage: l.PerPage, Summary: sum})
}

// ledgerRows flattens the ledger into one row per entry for exports.
func (s *Server) ledgerRows(c echo.Context, id int64) ([][]string, string, error) {
	ctx := c.Request().Context()
	f, err := s.app.Fund(ctx, id)
	if err != nil {
		return nil, "", err
	}
	txs, err := s.app.LedgerAll(ctx, id)
	if err != nil {
		return nil, "", err
	}
	names, err := s.app.LedgerNamesFor(ctx, f.ID, f.Name, txs)
	if err != nil {
		return nil, "", err
	}
	l := lang(c)
	rows := [][]string{{s.i18n.T(l, "ledger.col.tx"), s.i18n.T(l, "ledger.col.time"), s.i18n.T(l, "ledger.col.kind"), s.i18n.T(l, "ledger.col.ref"),
		s.i18n.T(l, "ledger.col.account_code"), s.i18n.T(l, "ledger.col.account_name"), s.i18n.T(l, "ledger.col.source"), s.i18n.T(l, "ledger.col.debit"), s.i18n.T(l, "ledger.col.credit"), s.i18n.T(l, "ledger.col.currency")}}
	for _, t := range txs {
		for _, e := range t.Entries {
			amt := funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}.Decimal()
			debit, credit := amt, ""
			if e.Side == string(funds.Credit) {
				debit, credit = "", amt
			}
			parts, err := app.AccountWords(e.Account, names)
			if err != nil {
				return nil, "", err
			}
			rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.CreatedAt.In(s.app.Location()).Format("2006-01-02 15:04:05"),
				s.i18n.T(l, ledgerKindID(t.Kind)), t.Ref, e.Account, s.wordsText(l, parts), e.Source, debit, credit, e.Currency})
		}
	}
	return rows, fmt.Sprintf("ledger-fund-%d", f.ID), nil
}

func writeCSV(c echo.Context, name string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // UTF-8 BOM so Excel reads Chinese correctly
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) ledgerCSV(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rows, name, err := s.ledgerRows(c, id)
	if err != nil {
		return err
	}
	return writeCSV(c, name, rows)
}

func (s *Server) ledgerXLSX(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rows, name, err := s.ledgerRows(c, id)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Ledger"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		var amounts []int
		for j, v := range r {
			cells[j] = v
			if i > 0 && j == 0 {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cells[j] = n
				}
			}
			if i > 0 && (j == ledgerDebitCol || j == ledgerDebitCol+1) && v != "" {
				amounts = append(amounts, j)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		// Amounts are numeric cells written as their exact decimal text, never through a
		// float64 (which rounds amounts beyond 2^53 fen).
		for _, j := range amounts {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellDefault(sheet, cell, r[j]); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// ledgerKindID is the message id naming a transaction kind.
func ledgerKindID(kind string) string { return "ledger.kind." + kind }

// ledgerDebitCol is the export's debit column (credit follows it); both are numeric in XLSX.
const ledgerDebitCol = 7

// ledgerLine is one transaction of the ledger page with its lines named in words.
type ledgerLine struct {
	Tx      *app.LedgerTransaction
	Words   []app.NamePart
	Entries []ledgerEntryLine
}

type ledgerEntryLine struct {
	app.LedgerEntry
	Words []app.NamePart
}

// ledgerLines names a page of transactions and their entries for the reader.
func (s *Server) ledgerLines(c echo.Context, f *app.FundView, txs []*app.LedgerTransaction) ([]ledgerLine, error) {
	names, err := s.app.LedgerNamesFor(c.Request().Context(), f.ID, f.Name, txs)
	if err != nil {
		return nil, err
	}
	out := make([]ledgerLine, 0, len(txs))
	for _, t := range txs {
		ln := ledgerLine{Tx: t, Words: app.TxWords(t, names)}
		for _, e := range t.Entries {
			parts, err := app.AccountWords(e.Account, names)
			if err != nil {
				return nil, err
			}
			ln.Entries = append(ln.Entries, ledgerEntryLine{LedgerEntry: e, Words: parts})
		}
		out = append(out, ln)
	}
	return out, nil
}

// wordsPart is one name part in the reader's language.
func (s *Server) wordsPart(l string, p app.NamePart) string {
	if p.Msg != "" {
		return s.i18n.T(l, p.Msg, "name", p.Name)
	}
	return p.Text
}

// wordsText joins name parts into one line of text, for exports and the API.
func (s *Server) wordsText(l string, parts []app.NamePart) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = s.wordsPart(l, p)
	}
	return strings.Join(out, " · ")
}
