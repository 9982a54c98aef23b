package funds

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// OfflineMethod is how an offline gift arrived.
type OfflineMethod string

// Offline methods.
const (
	OfflineCash         OfflineMethod = "cash"
	OfflineBankTransfer OfflineMethod = "bank_transfer"
)

// OfflineReceipt is a gift received outside Stripe: cash against a numbered paper receipt, or
// a bank transfer with the bank's reference. One person records it and a second confirms it
// before it counts, the offline form of the two-person rule. The app keeps receipt numbers
// unique per fund and method, so one receipt cannot be entered twice.
type OfflineReceipt struct {
	Method     OfflineMethod
	ReceiptNo  string
	Amount     Money
	ReceivedOn time.Time // when the money was received
	RecordedBy string    // user key of the person entering it
}

// Errors for offline gifts.
var (
	ErrSelfConfirmation = errors.New("the person who recorded a receipt cannot confirm it")
	ErrBadReceiptNo     = errors.New("receipt number must be 3–64 letters, digits, '-', '_' or '/'")
)

// Validate checks a receipt as it is recorded; now is the current time.
func (r OfflineReceipt) Validate(now time.Time) error {
	var es FieldErrors
	if r.Method != OfflineCash && r.Method != OfflineBankTransfer {
		es.addf("method", "must be cash or bank_transfer")
	}
	if !validReceiptNo(r.ReceiptNo) {
		es.add("receipt_no", ErrBadReceiptNo)
	}
	if !r.Amount.Currency.Valid() {
		es.add("amount", fmt.Errorf("%w %q", ErrUnknownCurrency, r.Amount.Currency))
	} else if err := CheckAmount(r.Amount.Amount); err != nil {
		es.add("amount", err)
	}
	if r.ReceivedOn.IsZero() {
		es.addf("received_on", "required")
	} else if r.ReceivedOn.After(now) {
		es.addf("received_on", "must not be in the future")
	}
	if r.RecordedBy == "" {
		es.addf("recorded_by", "required")
	}
	return es.err()
}

func validReceiptNo(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		ok := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '/'
		if !ok {
			return false
		}
	}
	return true
}

// CheckConfirmation says whether confirmer, with these roles, may confirm the receipt: a
// second person who is a treasurer or worker.
func (r OfflineReceipt) CheckConfirmation(confirmer string, roles []Role) error {
	switch {
	case confirmer == "":
		return fieldErr("confirmed_by", errors.New("required"))
	case confirmer == r.RecordedBy:
		return ErrSelfConfirmation
	case !slices.Contains(roles, RoleTreasurer) && !slices.Contains(roles, RoleWorker):
		return fmt.Errorf("%w: confirming money needs a treasurer or worker", ErrNotAuthorized)
	}
	return nil
}
