package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"strconv"

	"github.com/wushe/wushe/funds"
)

// cmdFundsQF computes quadratic-funding matches from a contributions CSV:
//
//	wushe funds qf --in FILE.csv --pool N [--cap-percent P] [--min-contributors K]
//	               [--min-amount A] [--mode standard|pairwise] [--pairwise-m M]
//
// It prints project,contributors,contributed,match to standard output. Bad flags and malformed
// input (named by line) are usage errors, so the exit status is 2.
func cmdFundsQF(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("funds qf", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	in := fs.String("in", "", "contributions CSV with header contributor,project,amount (- for standard input)")
	pool := fs.String("pool", "", "matching pool N in minor units (required)")
	capPercent := fs.String("cap-percent", "", "cap any project at P% of the pool, 0 < P ≤ 100 (default no cap)")
	minContributors := fs.String("min-contributors", "2", "projects with fewer distinct contributors K get no match")
	minAmount := fs.String("min-amount", "1", "drop contributions below A minor units")
	mode := fs.String("mode", string(funds.QFStandard), "standard or pairwise")
	pairwiseM := fs.String("pairwise-m", "2500", "M in pairwise mode's M/(M+P_ij)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: wushe funds qf --in FILE.csv --pool N [--cap-percent P] [--min-contributors K] [--min-amount A] [--mode standard|pairwise] [--pairwise-m M]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *in == "" {
		return usagef("--in is required")
	}
	if *pool == "" {
		return usagef("--pool is required")
	}
	p := funds.DefaultQFParams(0)
	var err error
	if p.Pool, err = parseCount("--pool", *pool); err != nil {
		return err
	}
	if *capPercent != "" {
		r, err := parseDecimalFlag("--cap-percent", *capPercent)
		if err != nil {
			return err
		}
		if r.Sign() <= 0 || r.Cmp(big.NewRat(100, 1)) > 0 {
			return usagef("--cap-percent %s: must be greater than 0 and at most 100", *capPercent)
		}
		p.CapPercent = funds.Ratio{Num: r.Num().Int64(), Den: r.Denom().Int64()}
	}
	k, err := parseCount("--min-contributors", *minContributors)
	if err != nil {
		return err
	}
	if k > 1<<31-1 {
		return usagef("--min-contributors %s: too large", *minContributors)
	}
	p.MinContributors = int(k)
	if p.MinAmount, err = parseCount("--min-amount", *minAmount); err != nil {
		return err
	}
	switch funds.QFMode(*mode) {
	case funds.QFStandard, funds.QFPairwise:
		p.Mode = funds.QFMode(*mode)
	default:
		return usagef("--mode %q: must be standard or pairwise", *mode)
	}
	m, err := parseDecimalFlag("--pairwise-m", *pairwiseM)
	if err != nil {
		return err
	}
	if m.Sign() <= 0 {
		return usagef("--pairwise-m %s: must be positive", *pairwiseM)
	}
	p.PairwiseM = funds.Ratio{Num: m.Num().Int64(), Den: m.Denom().Int64()}

	var r io.Reader = env.Stdin
	name := "standard input"
	if *in != "-" {
		name = *in
		f, err := os.Open(*in)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("--in: %w", err)}
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return usagef("--in %s: is a directory", *in)
		}
		r = f
	}
	rows, err := funds.ReadQFCSV(r)
	if err != nil {
		return qfInputError(name, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := funds.QuadraticFunding(rows, p)
	if err != nil {
		return qfInputError(name, err)
	}
	if err := funds.WriteQFCSV(env.Stdout, res.Projects); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// qfInputError makes malformed input a usage error (exit status 2) that names file and line;
// read failures stay ordinary errors.
func qfInputError(name string, err error) error {
	var le *funds.QFLineError
	var fe funds.FieldErrors
	if errors.As(err, &le) || errors.As(err, &fe) {
		return &UsageError{Err: fmt.Errorf("%s: %w", name, err)}
	}
	return fmt.Errorf("read %s: %w", name, err)
}

// parseCount reads a non-negative integer flag: digits only, no sign, point or exponent.
func parseCount(flagName, s string) (int64, error) {
	if !digitsOnly.MatchString(s) {
		return 0, usagef("%s %q: must be a non-negative integer", flagName, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, usagef("%s %q: too large", flagName, s)
	}
	return n, nil
}

var (
	digitsOnly   = regexp.MustCompile(`^[0-9]+$`)
	plainDecimal = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,6})?$`)
)

// parseDecimalFlag reads a plain decimal such as "12.5" exactly, so the cap C = N·P/100 is
// computed without binary rounding.
func parseDecimalFlag(flagName, s string) (*big.Rat, error) {
	if !plainDecimal.MatchString(s) {
		return nil, usagef("%s %q: must be a plain decimal number such as 12.5", flagName, s)
	}
	r, _ := new(big.Rat).SetString(s)
	return r, nil
}
