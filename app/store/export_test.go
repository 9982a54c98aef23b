package store

// NeedListOrder, NeedResolvedOrder and DonorListOrder are the lists' ORDER BY text, for the test that checks
// migration 00023's indexes are built on exactly it.
const (
	NeedListOrder     = needListOrder
	NeedResolvedOrder = needResolvedOrder
	DonorListOrder    = donorListOrder
)
