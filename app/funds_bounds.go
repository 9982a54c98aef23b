package app

import (
	"errors"

	"github.com/wushe/wushe/funds"
)

// Money bounds in the application: every amount a request carries is checked with
// funds.CheckAmount or funds.CheckLimit before anything is written, every running total with
// funds.AddTotal, and the database repeats both as CHECK constraints (migration 00008).
// See docs/funds.md, "Bounds".

// yuanText formats an amount of fen for a message, e.g. "¥186,000.00". Every amount a message
// names goes through it: it is funds.Money.String, the formatter behind the pages' `yuan`, so
// errors, notifications and pages show money alike (symbol, thousands separators, two decimals);
// message catalogs never add a symbol of their own.
func yuanText(n int64) string { return funds.Money{Amount: n, Currency: funds.CNY}.String() }

// rangeMessage is the message for an amount outside its range, naming the range.
func rangeMessage(re *funds.RangeError) Message {
	if re.Max == funds.MaxTotal && re.Min == 0 {
		return Msg("funds.error.total_range", "max", yuanText(re.Max))
	}
	return Msg("funds.error.amount_range", "min", yuanText(re.Min), "max", yuanText(re.Max))
}

// checkAmountField records a field error when n is not one movement's amount (1 fen … ¥100,000,000).
func checkAmountField(fe FieldErrors, field string, n int64) {
	if _, done := fe[field]; done {
		return
	}
	var re *funds.RangeError
	if err := funds.CheckAmount(n); errors.As(err, &re) {
		fe[field] = rangeMessage(re)
	}
}

// checkTotalField records a field error when adding amount to total would leave 0 … MaxTotal,
// e.g. a deposit that would take a pool's budget past ¥1,000,000,000,000.
func checkTotalField(fe FieldErrors, field string, total, amount int64) {
	if _, done := fe[field]; done {
		return
	}
	var re *funds.RangeError
	if _, err := funds.AddTotal(total, amount); errors.As(err, &re) {
		fe[field] = Msg("funds.error.total_range", "max", yuanText(funds.MaxTotal))
	}
}

// addTotal adds amount to a stored running total for a use case, answering a total that would
// leave its range as a field error on field (422) rather than writing it.
func addTotal(total, amount int64, field string) (int64, error) {
	s, err := funds.AddTotal(total, amount)
	if err != nil {
		fe := FieldErrors{}
		fe[field] = Msg("funds.error.total_range", "max", yuanText(funds.MaxTotal))
		return 0, &Error{Code: EINVALID, Message: Msg("error.invalid"), Fields: map[string]Message(fe), Err: err}
	}
	return s, nil
}

// storedOutOfRange reports whether a stored amount (which may predate the bounds) lies outside
// 0 … funds.MaxTotal, so arithmetic on it could overflow.
func storedOutOfRange(n int64) bool { return funds.CheckTotal(n) != nil }

// ErrMoneyData marks stored money Wushe cannot compute with: an amount outside the bounds
// (written before migration 00008 enforced them) or sums that do not fit an int64. Pages show
// such a fund with a warning instead of failing; money movements on it are refused (409);
// `wushe funds check` names the transactions.
var ErrMoneyData = errors.New("stored money out of range")

// MoneyDataError wraps detail as ErrMoneyData with the user-facing message; the store uses it
// for ledger sums that overflow.
func MoneyDataError(detail error) error {
	return &Error{Code: ECONFLICT, Message: Msg("funds.error.bad_data"), Err: errors.Join(ErrMoneyData, detail)}
}
