package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"jindu/auth"
	"jindu/db"
)

// blockedLog writes refused logins to the audit log as one entry per
// refusing key (an account or an address) and block period, counting the
// attempts in the entry instead of adding one per request: an attacker
// hammering a blocked account adds one entry, not one per try. The count
// is written at most every blockedFlushEvery per entry, and by Sweep.
type blockedLog struct {
	mu   sync.Mutex
	runs map[blockedKey]*blockedRun
}

type blockedKey struct {
	scope, subject string
	busy           bool
	until          time.Time
}

// blockedRun is one block period's refusals.
type blockedRun struct {
	id       int64     // the audit entry, 0 until it is written
	count    int       // refusals seen
	stored   int       // refusals the entry counts
	last     time.Time // the last refusal
	flushed  time.Time // when the count was last written
	writing  bool      // a goroutine is writing the entry or its count
	periodTo time.Time
}

// blockedFlushEvery bounds how often one entry's count is rewritten.
const blockedFlushEvery = 5 * time.Second

// maxBlockedRuns bounds the periods held in memory; past it, ended ones
// are written and forgotten.
const maxBlockedRuns = 10_000

// record counts one refused attempt, writing the period's entry on its
// first refusal.
func (b *blockedLog) record(s *Server, r *http.Request, name, addr string, ref *auth.Refusal) {
	subject := name
	if ref.Scope == auth.ScopeAddress {
		subject = addr
	}
	key := blockedKey{ref.Scope, subject, ref.Busy, ref.Until}
	now := s.now()
	b.mu.Lock()
	if b.runs == nil {
		b.runs = map[blockedKey]*blockedRun{}
	}
	if len(b.runs) >= maxBlockedRuns {
		b.mu.Unlock()
		b.flush(s, r.Context(), true)
		b.mu.Lock()
	}
	run := b.runs[key]
	first := run == nil
	if first {
		run = &blockedRun{periodTo: ref.Until, writing: true}
		b.runs[key] = run
	}
	run.count++
	run.last = now
	if first {
		b.mu.Unlock()
		detail := "blocked by the " + ref.Scope + " until " + ref.Until.UTC().Format(time.RFC3339)
		if ref.Busy {
			detail = "refused: another attempt for the " + ref.Scope + " was being checked"
		}
		e := db.AuditEntry{Actor: name, Address: addr, Action: db.AuditLoginBlocked, Target: subject, Detail: detail, At: now}
		id, err := s.DB.AppendAudit(r.Context(), e)
		if err != nil {
			s.Logger.Error("audit", "action", e.Action, "err", err)
		}
		b.mu.Lock()
		run.id, run.stored, run.flushed, run.writing = id, 1, now, false
		if err != nil {
			delete(b.runs, key) // the next refusal tries again
		}
		b.mu.Unlock()
		return
	}
	n, id, last := b.take(run, now, false)
	b.mu.Unlock()
	if n > 0 {
		b.write(s, r.Context(), run, id, n, last)
	}
}

// take claims the refusals not yet written, if the entry is due (or
// force); b.mu is held.
func (b *blockedLog) take(run *blockedRun, now time.Time, force bool) (n int, id int64, last time.Time) {
	if run.id == 0 || run.writing || run.count == run.stored || (!force && now.Sub(run.flushed) < blockedFlushEvery) {
		return 0, 0, time.Time{}
	}
	n = run.count - run.stored
	run.stored, run.flushed, run.writing = run.count, now, true
	return n, run.id, run.last
}

func (b *blockedLog) write(s *Server, ctx context.Context, run *blockedRun, id int64, n int, last time.Time) {
	err := s.DB.AddAuditRepeats(ctx, id, n, last)
	b.mu.Lock()
	run.writing = false
	if err != nil {
		run.stored -= n // written by the next flush
	}
	b.mu.Unlock()
	if err != nil {
		s.Logger.Error("audit repeats", "err", err)
	}
}

// flush writes every count not yet written and forgets ended periods (all
// of them when all, or when too many are held).
func (b *blockedLog) flush(s *Server, ctx context.Context, all bool) {
	now := s.now()
	type job struct {
		run  *blockedRun
		id   int64
		n    int
		last time.Time
	}
	var jobs []job
	b.mu.Lock()
	for k, run := range b.runs {
		if n, id, last := b.take(run, now, true); n > 0 {
			jobs = append(jobs, job{run, id, n, last})
		}
		if (all || !run.periodTo.After(now)) && !run.writing && run.count == run.stored {
			delete(b.runs, k)
		}
	}
	b.mu.Unlock()
	for _, j := range jobs {
		b.write(s, ctx, j.run, j.id, j.n, j.last)
	}
}
