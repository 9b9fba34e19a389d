package web

import (
	"context"
	"errors"
	"jindu/metrics"
	"jindu/pdf"
	"sync"
)

// Printed PDFs are kept by what they show, and renders are shared out
// fairly among the people asking for them:
//
//   - A PDF is cached by its key (page, year, scope, language, the data
//     version it shows, the program's targets, and the name it is printed
//     for): a repeat request is answered from memory without a render.
//     Entries of an older data version or program are dropped once a newer
//     one is printed.
//   - Requests for the same key at the same time wait for one render.
//   - Each caller (a signed-in user, or an anonymous reader of a --public
//     server by client address) has one lane: at most one render of theirs
//     is in flight, the rest of their requests queue behind it, so one
//     reader's twenty requests hold one of the renderer's slots, not all.

// pdfCacheEntries and pdfCacheBytes bound the cache.
const (
	pdfCacheEntries = 64
	pdfCacheBytes   = 96 << 20
)

// pdfQueueDepth is how many of one caller's renders may wait behind the
// one in flight; beyond it the request is refused as busy.
const pdfQueueDepth = 32

// pdfKey is what a printed PDF shows.
type pdfKey struct {
	page    string // "/report"
	year    int
	street  string // "" for the district
	lang    string
	version string // the data version
	user    string // the name printed on it; "" for none
	// program is the program in force (its targets), which an admin may
	// change without changing the data.
	program *metrics.Program
}

// pdfFlight is a render in progress that later requests for the same key
// wait for.
type pdfFlight struct {
	done chan struct{}
	out  RenderedReport
	err  error
}

// pdfLane is one caller's queue: a token held while their render runs.
type pdfLane struct {
	token chan struct{}
	users int // requests holding or waiting for the token
}

// pdfState is the server's cache, flights and lanes of PDFs.
type pdfState struct {
	mu      sync.Mutex
	cache   map[pdfKey]RenderedReport
	order   []pdfKey // least recently used first
	bytes   int
	flights map[pdfKey]*pdfFlight
	lanes   map[string]*pdfLane
}

// cached returns the PDF of key, if kept, and marks it recently used.
func (ps *pdfState) cached(key pdfKey) (RenderedReport, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	out, ok := ps.cache[key]
	if ok {
		ps.touch(key)
	}
	return out, ok
}

// touch moves key to the end of the order; ps.mu is held.
func (ps *pdfState) touch(key pdfKey) {
	for i, k := range ps.order {
		if k == key {
			ps.order = append(ps.order[:i], ps.order[i+1:]...)
			break
		}
	}
	ps.order = append(ps.order, key)
}

// store keeps out under key, dropping PDFs of other data versions or
// programs and the least recently used beyond the bounds.
func (ps *pdfState) store(key pdfKey, out RenderedReport) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.cache == nil {
		ps.cache = map[pdfKey]RenderedReport{}
	}
	if old, ok := ps.cache[key]; ok {
		ps.bytes -= len(old.PDF)
	}
	ps.cache[key] = out
	ps.bytes += len(out.PDF)
	ps.touch(key)
	kept := ps.order[:0]
	for _, k := range ps.order {
		if k.version != key.version || k.program != key.program {
			ps.bytes -= len(ps.cache[k].PDF)
			delete(ps.cache, k)
			continue
		}
		kept = append(kept, k)
	}
	ps.order = kept
	for len(ps.order) > 1 && (len(ps.order) > pdfCacheEntries || ps.bytes > pdfCacheBytes) {
		k := ps.order[0]
		ps.order = ps.order[1:]
		ps.bytes -= len(ps.cache[k].PDF)
		delete(ps.cache, k)
	}
}

// join returns the flight of key and whether the caller leads it (and so
// must render and finish it).
func (ps *pdfState) join(key pdfKey) (*pdfFlight, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if f, ok := ps.flights[key]; ok {
		return f, false
	}
	if ps.flights == nil {
		ps.flights = map[pdfKey]*pdfFlight{}
	}
	f := &pdfFlight{done: make(chan struct{})}
	ps.flights[key] = f
	return f, true
}

// finish ends the flight of key with its result.
func (ps *pdfState) finish(key pdfKey, f *pdfFlight, out RenderedReport, err error) {
	ps.mu.Lock()
	delete(ps.flights, key)
	ps.mu.Unlock()
	f.out, f.err = out, err
	close(f.done)
}

// enter waits for the caller's lane, until ctx ends; the returned function
// leaves it. A caller with pdfQueueDepth requests already waiting is
// refused with pdf.ErrBusy.
func (ps *pdfState) enter(ctx context.Context, who string) (func(), error) {
	ps.mu.Lock()
	if ps.lanes == nil {
		ps.lanes = map[string]*pdfLane{}
	}
	ln, ok := ps.lanes[who]
	if !ok {
		ln = &pdfLane{token: make(chan struct{}, 1)}
		ps.lanes[who] = ln
	}
	if ln.users > pdfQueueDepth {
		ps.mu.Unlock()
		return nil, pdf.ErrBusy
	}
	ln.users++
	ps.mu.Unlock()
	drop := func() {
		ps.mu.Lock()
		ln.users--
		if ln.users == 0 {
			delete(ps.lanes, who)
		}
		ps.mu.Unlock()
	}
	select {
	case ln.token <- struct{}{}:
		return func() { <-ln.token; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}

// printed returns the PDF of key: from the cache, from a render of the
// same key in progress, or from render, run in who's lane.
func (ps *pdfState) printed(ctx context.Context, key pdfKey, who string, render func() (RenderedReport, error)) (RenderedReport, error) {
	for {
		if out, ok := ps.cached(key); ok {
			out.Cached = true
			return out, nil
		}
		f, lead := ps.join(key)
		if !lead {
			select {
			case <-f.done:
			case <-ctx.Done():
				return RenderedReport{}, ctx.Err()
			}
			if f.err != nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) && ctx.Err() == nil {
				continue // its leader gave up; this caller has not
			}
			return f.out, f.err
		}
		out, err := ps.lead(ctx, key, who, render)
		ps.finish(key, f, out, err)
		return out, err
	}
}

// lead renders key in who's lane and keeps the result.
func (ps *pdfState) lead(ctx context.Context, key pdfKey, who string, render func() (RenderedReport, error)) (RenderedReport, error) {
	leave, err := ps.enter(ctx, who)
	if err != nil {
		return RenderedReport{}, err
	}
	defer leave()
	if out, ok := ps.cached(key); ok {
		out.Cached = true
		return out, nil
	}
	out, err := render()
	if err != nil {
		return RenderedReport{}, err
	}
	shown := key
	shown.version = out.DataVersion
	ps.store(shown, out)
	return out, nil
}
