package funds

import "fmt"

// PostedEntry is one ledger entry together with the kind of the transaction it belongs to:
// what the accountability view needs to tell a gift from a refund, a match or a payment.
type PostedEntry struct {
	Kind  TxKind
	Entry Entry
}

// Accountability is where a project's money came from and went (晒事): every figure is a sum
// over the ledger entries of the project's campaigns, never a typed-in number.
type Accountability struct {
	// Raised is donors' money per donor source: gifts net of refunds.
	Raised map[SourceKind]int64
	// Matched is pool money reserved or committed to the campaigns, net of releases.
	Matched int64
	// Spent is what paid disbursements drew from the campaigns.
	Spent int64
	// Left is what the campaigns still hold: donations, committed matches and reserved matches.
	Left int64
}

// ProjectAccountability sums entries of the given campaigns' accounts. Entries of other
// accounts (cash, pool availability, other campaigns) are ignored, so callers may pass the
// entries of whole transactions. It holds that Σ Raised + Matched − Spent = Left for every
// ledger the app writes (it posts no reversals; funds check reports any); ErrAmountOverflow is returned if a sum does not fit an int64.
func ProjectAccountability(entries []PostedEntry, campaigns map[int64]bool) (Accountability, error) {
	out := Accountability{Raised: map[SourceKind]int64{}}
	for _, k := range []SourceKind{SourceResident, SourceMerchant, SourceUnit, SourceFoundation, SourceSocialOrg} {
		out.Raised[k] = 0
	}
	var overflow bool
	add := func(dst *int64, v int64) {
		s, ok := addInt64(*dst, v)
		if !ok {
			overflow = true
			return
		}
		*dst = s
	}
	for _, pe := range entries {
		a := pe.Entry.Account
		if !campaigns[a.Campaign] {
			continue
		}
		owned := a.Kind == AccountDonations || a.Kind == AccountMatch || a.Kind == AccountPoolReserved
		if !owned {
			continue
		}
		// The balance on the account's normal side (credit for every campaign account).
		v := pe.Entry.Amount.Amount
		signed := v
		if pe.Entry.Side == Debit {
			signed = -v
		}
		add(&out.Left, signed)
		switch {
		case a.Kind == AccountDonations && (pe.Kind == TxContributionSucceeded || pe.Kind == TxContributionRefunded):
			r := out.Raised[a.Source]
			add(&r, signed)
			out.Raised[a.Source] = r
		case a.Kind == AccountPoolReserved && pe.Kind == TxMatchReserved,
			(a.Kind == AccountPoolReserved || a.Kind == AccountMatch) && pe.Kind == TxMatchReleased:
			add(&out.Matched, signed)
		case pe.Kind == TxDisbursementPaid && pe.Entry.Side == Debit:
			add(&out.Spent, v)
		}
	}
	if overflow {
		return out, fmt.Errorf("project accountability: %w", ErrAmountOverflow)
	}
	return out, nil
}
