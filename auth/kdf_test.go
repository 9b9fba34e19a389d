package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestKDFBoundsConcurrency(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	k := NewKDF(2, time.Hour) // a long wait: every caller gets its turn
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			ok, err := k.Verify(context.Background(), h, "correct horse battery")
			if err != nil || ok != true {
				t.Errorf("verify %d: %v %v", i, ok, err)
			}
		})
	}
	wg.Wait()
	if s := k.Stats(); s.Hashes != 20 || s.Peak < 1 || s.Peak > 2 {
		t.Errorf("stats %+v: want 20 hashes, at most 2 at once", s)
	}
}

func TestKDFBusyAndCancelled(t *testing.T) {
	k := NewKDF(1, 10*time.Millisecond)
	held, release := make(chan struct{}), make(chan struct{})
	go k.run(context.Background(), func() { close(held); <-release })
	<-held
	if err := k.VerifyNothing(context.Background(), "x"); !errors.Is(err, ErrBusy) {
		t.Errorf("with the only slot held: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewKDF(1, time.Hour).Hash(ctx, "correct horse battery"); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled caller: %v", err)
	}
	if _, err := k.Hash(context.Background(), "1234567890"); err != ErrPasswordCommon {
		t.Errorf("the policy is checked before a slot is needed: %v", err)
	}
	close(release)
	if s := k.Stats(); s.Hashes != 1 {
		t.Errorf("busy and refused calls must not hash: %+v", s)
	}
}
