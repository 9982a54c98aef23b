package app

// The public ledger in words: account codes such as "pool:1:reserved:3" turned into names a
// resident can read ("东湖友邻基金 · 政府配捐池 · 已预留给 楼道扶手众筹"), with links to the
// pool, campaign and project pages. Codes stay in the data and the exports for auditors.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/wushe/wushe/funds"
)

// NamePart is one piece of a ledger line's name: a catalog message Msg (given Name as its
// "name" argument) when set, else the stored name Text; Href links the piece to its page.
type NamePart struct {
	Msg  string `json:"msg,omitempty"`
	Name string `json:"name,omitempty"`
	Text string `json:"text,omitempty"`
	Href string `json:"href,omitempty"`
}

// CampaignName is what the ledger needs to name a campaign: its title and its project.
type CampaignName struct {
	ID           int64
	Title        string
	ProjectID    int64
	ProjectTitle string
}

// LedgerNames is the name lookup for one fund's ledger, loaded in a fixed number of queries.
type LedgerNames struct {
	FundName  string
	Pools     map[int64]string
	Campaigns map[int64]CampaignName
}

func poolPart(n LedgerNames, id int64) NamePart {
	if name, ok := n.Pools[id]; ok {
		return NamePart{Text: name, Href: "/pools/" + strconv.FormatInt(id, 10)}
	}
	return NamePart{Msg: "ledger.acct.pool_n", Name: strconv.FormatInt(id, 10)}
}

func campaignPart(n LedgerNames, id int64) NamePart {
	if c, ok := n.Campaigns[id]; ok {
		return NamePart{Text: c.Title, Href: "/campaigns/" + strconv.FormatInt(id, 10)}
	}
	return NamePart{Msg: "ledger.acct.campaign_n", Name: strconv.FormatInt(id, 10)}
}

// AccountWords names a ledger account in message parts: the fund, then the pool or campaign
// whose money it is (linked), then what the money is there for. The parts name messages of
// the "ledger.acct." catalog group, so every language words them its own way.
func AccountWords(code string, n LedgerNames) ([]NamePart, error) {
	a, err := funds.ParseAccount(code)
	if err != nil {
		return nil, fmt.Errorf("name ledger account: %w", err)
	}
	fund := NamePart{Text: n.FundName}
	switch a.Kind {
	case funds.AccountCash:
		return []NamePart{fund, {Msg: "ledger.acct.cash." + string(a.Channel)}}, nil
	case funds.AccountPoolAvailable:
		return []NamePart{fund, poolPart(n, a.Pool), {Msg: "ledger.acct.available"}}, nil
	case funds.AccountPoolReserved:
		c := campaignPart(n, a.Campaign)
		reserved := NamePart{Msg: "ledger.acct.reserved_for", Name: c.Text, Href: c.Href}
		if c.Msg != "" {
			reserved.Name = "#" + c.Name
		}
		return []NamePart{fund, poolPart(n, a.Pool), reserved}, nil
	case funds.AccountDonations:
		return []NamePart{fund, campaignPart(n, a.Campaign), {Msg: "ledger.acct.donations." + string(a.Source)}}, nil
	case funds.AccountMatch:
		p := poolPart(n, a.Pool)
		match := NamePart{Msg: "ledger.acct.match_from", Name: p.Text, Href: p.Href}
		if p.Msg != "" {
			match.Name = "#" + p.Name
		}
		return []NamePart{fund, campaignPart(n, a.Campaign), match}, nil
	}
	return nil, fmt.Errorf("name ledger account %q: %w", code, funds.ErrInvalidAccount)
}

// TxWords names a transaction: its kind, then the campaign it concerns (and that campaign's
// project) or, for pool movements, the pool — each linked to its page.
func TxWords(t *LedgerTransaction, n LedgerNames) []NamePart {
	out := []NamePart{{Msg: "ledger.kind." + t.Kind}}
	var campaign, pool int64
	for _, e := range t.Entries {
		if campaign == 0 && e.CampaignID != nil {
			campaign = *e.CampaignID
		}
		if pool == 0 && e.PoolID != nil {
			pool = *e.PoolID
		}
	}
	switch {
	case campaign != 0:
		out = append(out, campaignPart(n, campaign))
		if c, ok := n.Campaigns[campaign]; ok && c.ProjectID != 0 && c.ProjectTitle != "" {
			out = append(out, NamePart{Msg: "ledger.acct.for_project", Name: c.ProjectTitle, Href: "/projects/" + strconv.FormatInt(c.ProjectID, 10)})
		}
	case pool != 0:
		out = append(out, poolPart(n, pool))
	}
	return out
}

// LedgerNamesFor loads the names a fund's ledger lines need in two queries whatever the
// number of lines: the fund's pools, and the campaigns the lines touch with their projects.
func (a *App) LedgerNamesFor(ctx context.Context, fundID int64, fundName string, txs []*LedgerTransaction) (LedgerNames, error) {
	n := LedgerNames{FundName: fundName, Pools: map[int64]string{}}
	pools, err := a.store.FindPools(ctx, fundID)
	if err != nil {
		return n, fmt.Errorf("ledger names: %w", err)
	}
	for _, p := range pools {
		n.Pools[p.ID] = p.Name
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, t := range txs {
		for _, e := range t.Entries {
			if e.CampaignID != nil && !seen[*e.CampaignID] {
				seen[*e.CampaignID] = true
				ids = append(ids, *e.CampaignID)
			}
		}
	}
	if n.Campaigns, err = a.store.CampaignNames(ctx, ids); err != nil {
		return n, fmt.Errorf("ledger names: %w", err)
	}
	return n, nil
}
