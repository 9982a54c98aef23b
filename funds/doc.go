// Package funds holds Wushe's money rules: integer money with a currency, the double-entry
// ledger's chart of accounts and transaction builders, pool match rules, campaign outcomes,
// disbursement approval policy, quadratic funding, and the provider-neutral payment types.
//
// Everything here is pure: no database, no HTTP, no clock. Callers pass the current time and
// the current state in, and persist what comes out. That keeps the rules fast to test and lets
// the web app, the CLI and the reconciliation job share one definition of every movement.
// docs/funds.md explains the design for developers and auditors.
package funds
