package auth

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := range 5 {
		if w := th.Blocked("alice", "10.0.0.1"); w != 0 {
			t.Fatalf("blocked after %d failures", i)
		}
		th.Fail("alice", "10.0.0.1")
	}
	if w := th.Blocked("alice", "10.0.0.1"); w != 0 {
		t.Fatalf("5 failures are free, blocked %v", w)
	}
	th.Fail("alice", "10.0.0.1")
	if w := th.Blocked("alice", "10.0.0.9"); w != 30*time.Second {
		t.Fatalf("6th failure: account blocked %v from any address, want 30s", w)
	}
	if w := th.Blocked("bob", "10.0.0.1"); w != 0 {
		t.Fatalf("another account from the same address blocked %v (address allowance is 10)", w)
	}
	now = now.Add(31 * time.Second)
	th.Fail("alice", "10.0.0.1")
	if w := th.Blocked("alice", "x"); w != time.Minute {
		t.Fatalf("7th failure: %v, want the delay doubled to 1m", w)
	}
	for range 10 {
		now = now.Add(6 * time.Minute)
		th.Fail("alice", "10.0.0.2")
	}
	if w := th.Blocked("alice", "y"); w != 5*time.Minute {
		t.Fatalf("account block must be capped at 5m, got %v", w)
	}
	th.Succeed("alice")
	if w := th.Blocked("alice", "z"); w != 0 {
		t.Fatalf("success must clear the account, still %v", w)
	}
	// Failures over 15 minutes old are forgotten.
	th.Fail("carol", "10.0.0.3")
	now = now.Add(16 * time.Minute)
	for range 5 {
		th.Fail("carol", "10.0.0.4")
	}
	if w := th.Blocked("carol", "10.0.0.4"); w != 0 {
		t.Fatalf("old failure still counted: %v", w)
	}
}

func TestThrottleAddress(t *testing.T) {
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := range 11 {
		th.Fail("user"+string(rune('a'+i)), "10.9.9.9") // a spray of names
	}
	if w := th.Blocked("newname", "10.9.9.9"); w != time.Minute {
		t.Fatalf("address after 11 failures: %v, want 1m", w)
	}
	if w := th.Blocked("newname", "10.9.9.8"); w != 0 {
		t.Fatalf("another address: %v", w)
	}
}
