package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"jindu/ingest"
	"jindu/web/i18n"
)

// Bounds of the work one upload may cause (issue 16): how long a parse
// and its dry run may take, how many units a file may create, how many
// parses run at once, and what pending uploads a user may keep.
const (
	DefaultParseTimeout   = 2 * time.Minute
	DefaultMaxNewUnits    = 200_000 // a province has about 50,000 communities
	DefaultParsesPerUser  = 1
	DefaultPendingTTL     = 24 * time.Hour
	DefaultPendingFiles   = 10
	DefaultPendingBytes   = 100 << 20
	parseBusyRetrySeconds = 10
)

// parseLimiter caps concurrent parses per user and overall. A caller over
// either cap is refused at once (no queue): its client is told to retry.
type parseLimiter struct {
	mu     sync.Mutex
	byUser map[string]int
	total  int
}

// errParseBusy is a parse refused by the limiter; status is 429 when the
// user's own cap is reached, 503 when the server's is.
type errParseBusy struct{ status int }

func (e errParseBusy) Error() string { return "too many parses at once" }

// acquireParse takes a parse slot for user, or returns errParseBusy.
func (s *Server) acquireParse(user string) (release func(), err error) {
	l := &s.parseSlots
	perUser, total := s.ParsesPerUser, s.ParsesTotal
	if perUser <= 0 {
		perUser = DefaultParsesPerUser
	}
	if total <= 0 {
		total = runtime.NumCPU()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byUser == nil {
		l.byUser = map[string]int{}
	}
	switch {
	case l.byUser[user] >= perUser:
		return nil, errParseBusy{http.StatusTooManyRequests}
	case l.total >= total:
		return nil, errParseBusy{http.StatusServiceUnavailable}
	}
	l.byUser[user]++
	l.total++
	s.parsesActive.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.byUser[user]--; l.byUser[user] <= 0 {
				delete(l.byUser, user)
			}
			l.total--
			s.parsesActive.Add(-1)
		})
	}, nil
}

// busyMessage words a refused parse.
func busyMessage(l i18n.Lang, status int) string {
	if status == http.StatusTooManyRequests {
		return l.T("upload.busy.user")
	}
	return l.T("upload.busy.server")
}

// setRetryAfter tells a refused client when to try again.
func setRetryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(parseBusyRetrySeconds))
}

// parseOptions adds the server's bounds of a parse to opts: the time
// limit, the new-units cap and the progress hook (tests).
func (s *Server) parseOptions(opts ingest.Options) ingest.Options {
	opts.Timeout = s.ParseTimeout
	opts.MaxNewUnits = s.MaxNewUnits
	opts.Progress = s.ParseProgress
	return opts
}

// parseDone records how a parse ended: one stopped by its context (the
// client left, or the time limit) is counted and logged with how far it
// got.
func (s *Server) parseDone(ctx context.Context, name string, rep ingest.Report, start time.Time) {
	if !rep.Stopped() {
		return
	}
	s.parsesStopped.Add(1)
	why := "client left"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || ctx.Err() == nil {
		why = "time limit"
	}
	s.Logger.Info("upload parse stopped", "file", name, "why", why, "rows", rep.Rows+rep.Invalid,
		"after", time.Since(start).Round(time.Millisecond).String())
}

// plausibleUpload reports whether a file's first bytes can be a ledger: a
// zip (.xlsx, .ods), an OLE2 container (.xls) or text (a UTF-16 BOM, or
// no NUL byte and mostly printable). Pending uploads are checked before
// they are parsed or stored.
func plausibleUpload(raw []byte) bool {
	head := raw[:min(len(raw), 64<<10)]
	switch {
	case len(head) == 0:
		return true // the parser says empty_file
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return true
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return true
	case bytes.IndexByte(head, 0) >= 0:
		return false
	}
	ctl := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	return ctl*100 <= len(head) // text has (almost) no control bytes
}
