package auth

import (
	"slices"
	"sync"
	"time"
)

// Throttle slows down password guessing. An attempt is reserved before
// its password is checked, under the throttle's lock, so concurrent
// guesses cannot all slip past the count: at most one attempt per account
// and MaxInFlightPerAddress per address are checked at once, and a
// reserved attempt counts against the allowance until it ends.
//
// Failures are counted per account and per client address; once an
// allowance is used up, each further failure blocks that key for a
// doubling time, capped low for accounts so that an attacker cannot lock
// a real user out for long:
//
//   - per account: 5 failures, then blocked 30 s, then 60 s, 120 s … at
//     most 5 min after each further failure;
//   - per address: 10 failures, then 1 min, 2 min … at most 15 min.
//
// An address past its allowance does not stop an account that has no
// failures of its own: behind a shared proxy or NAT, one guesser must not
// lock every colleague out. Such an attempt is checked (and, if wrong,
// becomes that account's first failure), so from a blocked address each
// account can be tried once.
//
// A success clears the account's failures (not the address's: one valid
// account must not reset a guesser's address). Failures older than 15
// minutes are forgotten. State is in memory and bounded (MaxEntries keys;
// the oldest unblocked ones are dropped first): a restart clears it, which
// errs towards availability.
type Throttle struct {
	// MaxEntries bounds the keys (accounts and addresses) kept; 0 means
	// DefaultMaxEntries. Set it before use.
	MaxEntries int

	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	failures int
	inFlight int
	last     time.Time // last failure or reservation
	until    time.Time // blocked until
}

type throttleRule struct {
	free      int
	base, max time.Duration
	inFlight  int // attempts checked at once
}

var (
	accountRule = throttleRule{free: 5, base: 30 * time.Second, max: 5 * time.Minute, inFlight: 1}
	addressRule = throttleRule{free: 10, base: time.Minute, max: 15 * time.Minute, inFlight: MaxInFlightPerAddress}
)

// MaxInFlightPerAddress is how many login attempts from one address are
// checked at once.
const MaxInFlightPerAddress = 4

// DefaultMaxEntries bounds the throttle's memory: about 100 bytes a key.
const DefaultMaxEntries = 20_000

// busyRetry is the wait suggested when an attempt was refused only because
// another one for the same key was being checked.
const busyRetry = time.Second

const forgetAfter = 15 * time.Minute

// NewThrottle returns a throttle reading time from now (time.Now if nil).
func NewThrottle(now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{now: now, entries: map[string]*throttleEntry{}}
}

// Refusal says why an attempt was not allowed.
type Refusal struct {
	// Wait is how long to wait before trying again (Retry-After).
	Wait time.Duration
	// Scope is ScopeAccount or ScopeAddress: the key that refused.
	Scope string
	// Busy is set when the key was not blocked but had as many attempts
	// being checked as it may have at once.
	Busy bool
	// Until is when the block ends; for a busy key, the end of the
	// current minute (a period to count refusals in).
	Until time.Time
}

// Refusal scopes.
const (
	ScopeAccount = "account"
	ScopeAddress = "address"
)

// Attempt is a reserved login attempt. Exactly one of Succeed, Fail or
// Release ends it; later calls do nothing.
type Attempt struct {
	t                *Throttle
	account, address string
	done             bool
}

func accountKey(a string) string { return "u:" + a }
func addressKey(a string) string { return "a:" + a }

// Reserve reserves an attempt to log in to account from address, or says
// why not. A reserved attempt must be ended with Succeed, Fail or Release.
func (t *Throttle) Reserve(account, address string) (*Attempt, *Refusal) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	defer t.bound(now) // also drops the empty entries a refusal leaves
	acc := t.entry(accountKey(account), now)
	addr := t.entry(addressKey(address), now)
	if r := refuse(acc, accountRule, now, ScopeAccount); r != nil {
		return nil, r
	}
	if addr.inFlight >= addressRule.inFlight {
		return nil, busy(now, ScopeAddress)
	}
	// The address's count does not stop an account without failures of
	// its own.
	if r := refuse(addr, addressRule, now, ScopeAddress); r != nil && acc.failures > 0 {
		return nil, r
	}
	acc.inFlight++
	addr.inFlight++
	acc.last, addr.last = now, now
	return &Attempt{t: t, account: account, address: address}, nil
}

// refuse returns why e does not allow another attempt now, nil if it does.
// A reserved attempt counts as a failure until it ends, so the allowance
// cannot be overrun by attempts checked at once.
func refuse(e *throttleEntry, r throttleRule, now time.Time, scope string) *Refusal {
	if e.until.After(now) {
		return &Refusal{Wait: e.until.Sub(now), Scope: scope, Until: e.until}
	}
	if e.inFlight >= r.inFlight {
		return busy(now, scope)
	}
	if e.failures < r.free && e.failures+e.inFlight >= r.free {
		return busy(now, scope) // the last free attempts are being checked
	}
	if e.failures >= r.free && e.inFlight > 0 {
		return busy(now, scope) // past the allowance: one at a time
	}
	return nil
}

func busy(now time.Time, scope string) *Refusal {
	return &Refusal{Wait: busyRetry, Scope: scope, Busy: true, Until: now.Truncate(time.Minute).Add(time.Minute)}
}

// entry returns the key's entry, starting afresh when its failures are
// forgotten; t.mu is held.
func (t *Throttle) entry(key string, now time.Time) *throttleEntry {
	e := t.entries[key]
	if e == nil {
		e = &throttleEntry{}
		t.entries[key] = e
	} else if stale(e, now) {
		*e = throttleEntry{}
	}
	return e
}

func stale(e *throttleEntry, now time.Time) bool {
	return e.inFlight == 0 && now.Sub(e.last) > forgetAfter && !e.until.After(now)
}

// bound keeps at most MaxEntries keys: forgotten ones go first, then the
// least recently used of those neither blocked nor in flight, a tenth of
// the limit at a time (so the scan is rare). t.mu is held.
func (t *Throttle) bound(now time.Time) {
	limit := t.MaxEntries
	if limit <= 0 {
		limit = DefaultMaxEntries
	}
	if len(t.entries) <= limit {
		return
	}
	target := limit - limit/10
	type cand struct {
		key  string
		last time.Time
	}
	var cands []cand
	for k, e := range t.entries {
		switch {
		case stale(e, now) || (e.failures == 0 && e.inFlight == 0 && !e.until.After(now)):
			delete(t.entries, k)
		case e.inFlight == 0 && !e.until.After(now):
			cands = append(cands, cand{k, e.last})
		}
	}
	if len(t.entries) <= target {
		return
	}
	slices.SortFunc(cands, func(a, b cand) int { return a.last.Compare(b.last) })
	for _, c := range cands {
		if len(t.entries) <= target {
			break
		}
		delete(t.entries, c.key)
	}
}

// Fail ends the attempt as a failure of its account and its address.
func (a *Attempt) Fail() {
	a.end(func(t *Throttle, now time.Time) {
		t.fail(accountKey(a.account), accountRule, now)
		t.fail(addressKey(a.address), addressRule, now)
	})
}

// Succeed ends the attempt and clears the account's failures.
func (a *Attempt) Succeed() {
	a.end(func(t *Throttle, now time.Time) {
		if e := t.entries[accountKey(a.account)]; e != nil {
			e.failures, e.until = 0, time.Time{}
		}
	})
}

// Release ends the attempt without an outcome (the check could not run).
func (a *Attempt) Release() { a.end(func(*Throttle, time.Time) {}) }

func (a *Attempt) end(f func(t *Throttle, now time.Time)) {
	t := a.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if a.done {
		return
	}
	a.done = true
	now := t.now()
	for _, k := range []string{accountKey(a.account), addressKey(a.address)} {
		if e := t.entries[k]; e != nil && e.inFlight > 0 {
			e.inFlight--
		}
	}
	f(t, now)
	for _, k := range []string{accountKey(a.account), addressKey(a.address)} {
		if e := t.entries[k]; e != nil && e.inFlight == 0 && e.failures == 0 && !e.until.After(now) {
			delete(t.entries, k) // nothing left to remember
		}
	}
}

// fail records a failure; t.mu is held. The entry may have been dropped
// by bound meanwhile only if it was neither blocked nor in flight, so a
// fresh one is as good.
func (t *Throttle) fail(key string, r throttleRule, now time.Time) {
	e := t.entry(key, now)
	e.failures++
	e.last = now
	if over := e.failures - r.free; over >= 0 {
		d := r.base
		for i := 0; i < over && d < r.max; i++ {
			d *= 2
		}
		e.until = now.Add(min(d, r.max))
	}
}
