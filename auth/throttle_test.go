package auth

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// try reserves an attempt and fails it at once; it returns the refusal,
// nil if the attempt was checked.
func try(th *Throttle, account, address string) *Refusal {
	a, r := th.Reserve(account, address)
	if a != nil {
		a.Fail()
	}
	return r
}

func TestThrottle(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := range 5 {
		if r := try(th, "alice", "10.0.0.1"); r != nil {
			t.Fatalf("failure %d refused: %+v", i+1, r)
		}
	}
	r := try(th, "alice", "10.0.0.9")
	if r == nil || r.Scope != ScopeAccount || r.Busy || r.Wait != 30*time.Second {
		t.Fatalf("after 5 failures: %+v, want the account blocked 30s from any address", r)
	}
	if a, r := th.Reserve("bob", "10.0.0.1"); a == nil {
		t.Fatalf("another account from the same address refused (the address allows 10): %+v", r)
	} else {
		a.Release()
	}
	now = now.Add(31 * time.Second)
	if r := try(th, "alice", "10.0.0.1"); r != nil {
		t.Fatalf("after the block: %+v", r)
	}
	if r := try(th, "alice", "x"); r == nil || r.Wait != time.Minute {
		t.Fatalf("6th failure: %+v, want the block doubled to 1m", r)
	}
	for range 10 {
		now = now.Add(6 * time.Minute)
		try(th, "alice", fmt.Sprintf("10.0.1.%d", now.Minute()))
	}
	if r := try(th, "alice", "y"); r == nil || r.Wait != 5*time.Minute {
		t.Fatalf("the account block must be capped at 5m: %+v", r)
	}
	now = now.Add(5 * time.Minute)
	a, _ := th.Reserve("alice", "z")
	a.Succeed()
	for i := range 5 {
		if r := try(th, "alice", "z"); r != nil {
			t.Fatalf("a success must clear the account; failure %d refused: %+v", i+1, r)
		}
	}
	// Failures over 15 minutes old are forgotten.
	try(th, "carol", "10.0.0.3")
	now = now.Add(16 * time.Minute)
	for i := range 5 {
		if r := try(th, "carol", "10.0.0.4"); r != nil {
			t.Fatalf("an old failure is still counted: failure %d refused: %+v", i+1, r)
		}
	}
}

func TestThrottleAddress(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := range 10 {
		try(th, fmt.Sprintf("user%d", i), "10.9.9.9") // a spray of names
	}
	r := try(th, "user0", "10.9.9.9")
	if r == nil || r.Scope != ScopeAddress || r.Wait != time.Minute {
		t.Fatalf("an account with a failure from the address after 10 failures: %+v, want the address blocked 1m", r)
	}
	if r := try(th, "user0", "10.9.9.8"); r != nil {
		t.Fatalf("the same account from another address: %+v", r)
	}
	// An account without failures of its own is not stopped by the
	// address's count (the proxy lock-out), but gets one try.
	a, r := th.Reserve("admin", "10.9.9.9")
	if a == nil {
		t.Fatalf("an account without failures refused because of its address: %+v", r)
	}
	a.Succeed()
	if r := try(th, "newname", "10.9.9.9"); r != nil {
		t.Fatalf("a fresh name: %+v", r)
	}
	if r := try(th, "newname", "10.9.9.9"); r == nil || r.Scope != ScopeAddress {
		t.Fatalf("a fresh name's second try from the blocked address: %+v", r)
	}
}

func TestThrottleInFlight(t *testing.T) {
	th := NewThrottle(nil)
	a, _ := th.Reserve("alice", "10.0.0.1")
	if b, r := th.Reserve("alice", "10.0.0.2"); b != nil || r == nil || !r.Busy || r.Scope != ScopeAccount || r.Wait != time.Second {
		t.Fatalf("a second attempt at an account being checked: %v %+v", b, r)
	}
	var held []*Attempt
	for i := 1; i < MaxInFlightPerAddress; i++ {
		b, r := th.Reserve(fmt.Sprintf("user%d", i), "10.0.0.1")
		if b == nil {
			t.Fatalf("attempt %d from one address: %+v", i+1, r)
		}
		held = append(held, b)
	}
	if b, r := th.Reserve("fresh", "10.0.0.1"); b != nil || r == nil || !r.Busy || r.Scope != ScopeAddress {
		t.Fatalf("attempt %d at once from one address: %v %+v", MaxInFlightPerAddress+1, b, r)
	}
	a.Fail()
	a.Fail() // a second end does nothing
	for _, b := range held {
		b.Release()
	}
	if b, _ := th.Reserve("alice", "10.0.0.1"); b == nil {
		t.Fatal("alice after her attempt ended (1 failure)")
	} else {
		b.Release()
	}
}

// TestThrottleConcurrentGuesses: however many guesses arrive at once,
// the allowance is never overrun, because each is reserved before it is
// checked.
func TestThrottleConcurrentGuesses(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	var checked atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 200 {
		wg.Go(func() {
			<-start
			account := fmt.Sprintf("acct%d", i%4) // 4 accounts, 50 guesses each, one address
			for {
				a, r := th.Reserve(account, "10.0.0.1")
				if a != nil {
					checked.Add(1)
					a.Fail()
					return
				}
				if !r.Busy {
					return // blocked: give up, as the clock does not move
				}
			}
		})
	}
	close(start)
	wg.Wait()
	// 10 for the address, then one for each account still without a
	// failure of its own: at most 10 + 4 (never 4 × 5 = 20).
	if n := checked.Load(); n > 14 {
		t.Fatalf("%d guesses checked, want at most 10 + 4", n)
	}
	checked.Store(0)
	for i := range 40 {
		wg.Go(func() {
			for {
				a, r := th.Reserve("target", fmt.Sprintf("10.1.0.%d", i))
				if a != nil {
					checked.Add(1)
					a.Fail()
					return
				}
				if !r.Busy {
					return
				}
			}
		})
	}
	wg.Wait()
	if n := checked.Load(); n != 5 {
		t.Fatalf("40 guesses at one account from 40 addresses: %d checked, want 5", n)
	}
}

func TestThrottleBounded(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	th.MaxEntries = 1000
	for range 5 {
		try(th, "alice", "10.0.0.1")
	}
	for i := range 50_000 {
		now = now.Add(time.Microsecond) // 50 ms in all: alice stays blocked
		try(th, fmt.Sprintf("spray%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if n := th.size(); n > th.MaxEntries+2 {
			t.Fatalf("after %d names: %d keys, limit %d", i+1, n, th.MaxEntries)
		}
	}
	if r := try(th, "alice", "10.0.0.2"); r == nil || r.Scope != ScopeAccount {
		t.Fatalf("a blocked account was dropped by the bound: %+v", r)
	}
}

// size is the number of keys held.
func (t *Throttle) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
