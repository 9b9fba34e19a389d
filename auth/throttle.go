package auth

import (
	"sync"
	"time"
)

// Throttle slows down password guessing. Failures are counted per account
// and per client address; past a free allowance each further failure blocks
// that key for a doubling time, capped low for accounts so that an attacker
// cannot lock a real user out for long:
//
//   - per account: 5 free failures, then 30 s, 60 s, 120 s … at most 5 min;
//   - per address: 10 free failures, then 1 min, 2 min … at most 15 min.
//
// A success clears the account's failures (not the address's: one valid
// account must not reset a guesser's address). Failures older than 15 minutes are forgotten.
// State is in memory: a restart clears it, which errs towards availability.
type Throttle struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	failures int
	last     time.Time
	until    time.Time
}

type throttleRule struct {
	free      int
	base, max time.Duration
}

var (
	accountRule = throttleRule{free: 5, base: 30 * time.Second, max: 5 * time.Minute}
	addressRule = throttleRule{free: 10, base: time.Minute, max: 15 * time.Minute}
)

const forgetAfter = 15 * time.Minute

// NewThrottle returns a throttle reading time from now (time.Now if nil).
func NewThrottle(now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{now: now, entries: map[string]*throttleEntry{}}
}

// Blocked returns how long the account or address must still wait, 0 if
// a login attempt may proceed.
func (t *Throttle) Blocked(account, address string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range []string{"u:" + account, "a:" + address} {
		if e := t.entries[k]; e != nil && e.until.After(now) {
			wait = max(wait, e.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt.
func (t *Throttle) Fail(account, address string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.fail("u:"+account, accountRule, now)
	t.fail("a:"+address, addressRule, now)
	if len(t.entries) > 100_000 { // bound memory under a spray of names
		for k, e := range t.entries {
			if now.Sub(e.last) > forgetAfter && !e.until.After(now) {
				delete(t.entries, k)
			}
		}
	}
}

func (t *Throttle) fail(key string, r throttleRule, now time.Time) {
	e := t.entries[key]
	if e == nil || (now.Sub(e.last) > forgetAfter && !e.until.After(now)) {
		e = &throttleEntry{}
		t.entries[key] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - r.free; over > 0 {
		d := r.base
		for i := 1; i < over && d < r.max; i++ {
			d *= 2
		}
		e.until = now.Add(min(d, r.max))
	}
}

// Succeed clears the account's failures.
func (t *Throttle) Succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, "u:"+account)
}
