package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy means every password-hashing slot stayed taken for the KDF's
// wait: the caller should answer 503 with Retry-After.
var ErrBusy = errors.New("auth: every password-hashing slot is busy / 系统繁忙，请稍后再试")

// KDF bounds argon2id for a server: each hash takes 19 MiB and a core
// for tens of milliseconds, so at most Slots run at once, and a caller
// that cannot get a slot within the wait gets ErrBusy instead of queueing
// without end. Memory for hashing is then at most Slots × 19 MiB, whatever
// the number of callers.
type KDF struct {
	slots chan struct{}
	wait  time.Duration

	hashes  atomic.Int64
	running atomic.Int64
	peak    atomic.Int64
}

// DefaultKDFWait is how long a caller waits for a hashing slot.
const DefaultKDFWait = 2 * time.Second

// NewKDF returns a KDF with the given slots (0: one per core, as
// runtime.GOMAXPROCS reports) and wait (0: DefaultKDFWait).
func NewKDF(slots int, wait time.Duration) *KDF {
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultKDFWait
	}
	return &KDF{slots: make(chan struct{}, slots), wait: wait}
}

// Slots is how many hashes may run at once.
func (k *KDF) Slots() int { return cap(k.slots) }

// KDFStats counts a KDF's work.
type KDFStats struct {
	Hashes int64 // argon2id computations run
	Peak   int   // the most that ran at once
}

// Stats reports the hashes run so far and the most run at once.
func (k *KDF) Stats() KDFStats {
	return KDFStats{Hashes: k.hashes.Load(), Peak: int(k.peak.Load())}
}

// run runs f in a slot, waiting at most the KDF's wait (or until ctx ends).
func (k *KDF) run(ctx context.Context, f func()) error {
	if err := ctx.Err(); err != nil {
		return err // the caller left: no hash for nobody
	}
	t := time.NewTimer(k.wait)
	defer t.Stop()
	select {
	case k.slots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-k.slots }()
	n := k.running.Add(1)
	defer k.running.Add(-1)
	for p := k.peak.Load(); n > p && !k.peak.CompareAndSwap(p, n); p = k.peak.Load() {
	}
	k.hashes.Add(1)
	f()
	return nil
}

// Verify is VerifyPassword in a slot.
func (k *KDF) Verify(ctx context.Context, hash, pw string) (ok bool, err error) {
	if err := k.run(ctx, func() { ok, err = VerifyPassword(hash, pw) }); err != nil {
		return false, err
	}
	return ok, err
}

// VerifyNothing spends one verification's time and memory in a slot, for
// a user that does not exist.
func (k *KDF) VerifyNothing(ctx context.Context, pw string) error {
	return k.run(ctx, func() { VerifyNothing(pw) })
}

// Hash checks the policy (no slot needed to refuse) and hashes in a slot.
func (k *KDF) Hash(ctx context.Context, pw string, words ...string) (h string, err error) {
	if err := CheckPasswordPolicy(pw, words...); err != nil {
		return "", err
	}
	if err := k.run(ctx, func() { h, err = hash(pw) }); err != nil {
		return "", err
	}
	return h, err
}
