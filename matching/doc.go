// Package matching ranks volunteers, social organizations and donors for a need, project or
// task, assigns volunteers to tasks and shifts optimally, and awards tenders to organizations
// by deferred acceptance.
//
// The package is pure: plain structs in, results out. It imports only the standard library and
// does no I/O, reads no clock and keeps no global state, so the web application, the command line
// and the tests all call the same code. Everything here is safe for concurrent use unless a type
// says otherwise.
//
// The three entry points are:
//
//   - [NewIndex] and [Index.Rank]: filter and score candidates, with an explanation per result.
//   - [Solve] (the contract behind "wushe match solve") and [AssignShifts] (shifts with time
//     conflicts): exactly optimal assignment by a min-cost-flow solver written here.
//   - [Award]: a stable matching of tenders and organizations by deferred acceptance.
//
// See docs/matching.md for how the ranker and solvers work and docs/perf/matching.md for
// measured speed.
package matching
