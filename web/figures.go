package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/i18n"
)

// figures is a read-only copy of the counts for one data version:
// every street's tallies and their district sums. Pages compute from it
// instead of scanning units.
type figures struct {
	info     db.Info
	version  string
	streets  []db.Unit
	byStreet map[int64]map[int]metrics.Tally
	district map[int]metrics.Tally
	years    []int // years with data, ascending
	// views caches view models computed from these figures (e.g. the street
	// comparison over thousands of streets); they die with the version.
	views  sync.Map
	pages  atomic.Int64 // pages offered to storePage (kept while within the bounds)
	bytes  atomic.Int64 // bytes of the pages offered to storePage, with room for the gzip form
	latest int          // latest year with data, 0 if none
	locks  []db.YearLock
}

// figureCache keeps the figures of the current data version.
type figureCache struct {
	mu  sync.Mutex
	cur *figures
}

// figures returns the figures of the current data version, loading it
// when the version has changed.
func (s *Server) figures(ctx context.Context) (*figures, error) {
	info, err := s.DB.Info(ctx)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if c := s.cache.cur; c != nil && c.info.DataSeq == info.DataSeq && c.info.Demo == info.Demo {
		return c, nil
	}
	streets, err := s.DB.Streets(ctx)
	if err != nil {
		return nil, err
	}
	by, err := s.DB.StreetTallies(ctx)
	if err != nil {
		return nil, err
	}
	locks, err := s.DB.Locks(ctx)
	if err != nil {
		return nil, err
	}
	f := &figures{info: info, version: s.dataVersion(info), streets: streets, byStreet: by, district: map[int]metrics.Tally{}, locks: locks}
	for _, years := range by {
		for y, t := range years {
			d := f.district[y]
			d.Add(t)
			f.district[y] = d
		}
	}
	f.years = metrics.YearsWithData(f.district)
	if len(f.years) > 0 {
		f.latest = f.years[len(f.years)-1]
	}
	s.cache.cur = f
	return f, nil
}

// street finds a street by name in the figures.
func (f *figures) street(name string) (db.Unit, bool) {
	for _, u := range f.streets {
		if u.Name == name {
			return u, true
		}
	}
	return db.Unit{}, false
}

// results computes the program's indicators for the district (street "")
// or one street, restricted to one year when year is not 0.
func (f *figures) results(p metrics.Program, street db.Unit, year int) []metrics.Result {
	tallies := f.district
	if street.ID != 0 {
		tallies = f.byStreet[street.ID]
	}
	if year != 0 {
		t, ok := tallies[year]
		tallies = map[int]metrics.Tally{}
		if ok {
			tallies[year] = t
		}
	}
	return metrics.Compute(p, street.Name, tallies)
}

// cached returns the view model stored under key with the figures, building
// it once. Cached values are shared between requests: read them only.
func cached[T any](f *figures, key any, build func() T) T {
	if v, ok := f.views.Load(key); ok {
		return v.(T)
	}
	v := build()
	f.views.Store(key, v)
	return v
}

// maxCachedPages and maxCachedPageBytes bound the pages kept per data
// version, whatever query strings clients send: a page with its charts
// drawn on the server is 0.5–0.8 MB before gzip, so the count alone would
// let 256 junk queries hold 200 MB.
const (
	maxCachedPages     = 256
	maxCachedPageBytes = 48 << 20
)

// pageKey names a rendered page: the same query, language and viewer get
// the same bytes while the data version stands.
type pageKey struct {
	path, query string
	lang        string
	user, role  string
}

func pageKeyOf(r *http.Request, lang string) pageKey {
	u, _ := currentUser(r)
	return pageKey{path: r.URL.Path, query: r.URL.RawQuery, lang: lang, user: u.Name, role: string(u.Role)}
}

// cachedPage returns the page rendered earlier for this request's key.
func (f *figures) cachedPage(k pageKey) (*renderedPage, bool) {
	v, ok := f.views.Load(k)
	if !ok {
		return nil, false
	}
	return v.(*renderedPage), true
}

// storePage keeps a rendered page for later requests with the same key.
// Past either bound a page is rendered for each request, as before it
// was kept.
func (f *figures) storePage(k pageKey, p *renderedPage) {
	size := int64(len(p.plain) + len(p.plain)/8) // the gzip form, made later, is smaller than an eighth
	if f.pages.Add(1) <= maxCachedPages && f.bytes.Add(size) <= maxCachedPageBytes {
		f.views.Store(k, p)
	}
}

// lockOf is the lock on a year of a street (street "": of the district
// as a whole), the district's first.
func (f *figures) lockOf(year int, street string) (db.YearLock, bool) {
	for _, l := range f.locks {
		if l.Year == year && (l.Street == "" || l.Street == street) {
			return l, true
		}
	}
	return db.YearLock{}, false
}

// lockedNote says a page's figures are locked (已封账), or "": the year of
// the street (street "": the district, also when some of its streets are).
func (f *figures) lockedNote(l i18n.Lang, year int, street string) string {
	if lk, ok := f.lockOf(year, street); ok {
		return l.F("lock.note", year, lk.By, lk.At.Local().Format("2006-01-02"))
	}
	if street != "" {
		return ""
	}
	var some []string
	for _, lk := range f.locks {
		if lk.Year == year && lk.Street != "" {
			some = append(some, lk.Street)
		}
	}
	if len(some) == 0 {
		return ""
	}
	return l.N("lock.some", len(some), year, strings.Join(some, l.Pick("、", ", ")))
}
