package main

import "context"

// cmdFunds dispatches the fund tools.
func cmdFunds(ctx context.Context, env *Env, args []string) error {
	return subcommands(ctx, env, "funds", args, map[string]command{
		"qf":              {"compute quadratic-funding matches from a contributions CSV", cmdFundsQF},
		"reconcile":       {"ask Stripe for checkout sessions since T and repair what missed webhooks left undone", cmdFundsReconcile},
		"check":           {"verify every fund's ledger balances and pool caches; exit 1 on a problem", cmdFundsCheck},
		"close-campaigns": {"settle campaigns past their deadline: refund failed all-or-nothing ones, release their matches", cmdFundsCloseCampaigns},
	})
}
