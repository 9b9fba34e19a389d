package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web/components"
	"jindu/web/i18n"
)

// snapshotFigures is the JSON frozen with a snapshot: the rows of
// /api/metrics for its year and scope, and the data they came from.
type snapshotFigures struct {
	Program     string `json:"program"`
	DataVersion string `json:"data_version"`
	Year        int    `json:"year"`
	Street      string `json:"street"`
	// Kind is "brief" for a snapshot of the one-page brief, empty for
	// the full report.
	Kind string      `json:"kind,omitempty"`
	Rows []metricRow `json:"rows"`
	// Locks are the year's locked street-years (封账) when it was frozen:
	// the district's and, for the district or the snapshot's street, the
	// streets'.
	Locks []lockJSON `json:"locks,omitempty"`
}

// figuresOf computes a snapshot's figures from the snapshot of counts.
func (s *Server) figuresOf(f *figures, year int, street db.Unit) snapshotFigures {
	out := snapshotFigures{Program: s.effectiveProgram().Name, DataVersion: f.version, Year: year, Street: street.Name, Rows: []metricRow{}}
	for _, x := range f.results(s.effectiveProgram(), street, year) {
		out.Rows = append(out.Rows, metricRow{x.Indicator, x.Year, x.Street, x.Numerator, x.Denominator, x.Percent, x.Target, x.Met, x.Needed})
	}
	for _, lk := range f.locks {
		if lk.Year == year && (street.Name == "" || lk.Street == "" || lk.Street == street.Name) {
			out.Locks = append(out.Locks, lockJSON{Year: lk.Year, Street: lk.Street, LockedBy: lk.By, LockedAt: lk.At.UTC().Format(time.RFC3339)})
		}
	}
	return out
}

// assetFreezeJS shows "正在封存…" while a snapshot is frozen, and saves the
// brief's frozen PDF.
const assetFreezeJS = "js/freeze.js"

// kindBrief marks a snapshot of the one-page brief (snapshotFigures.Kind
// and the freeze form's kind).
const kindBrief = "brief"

func snapshotPath(id int64) string { return "/snapshots/" + strconv.FormatInt(id, 10) }

// showSnapshots lists the frozen snapshots; administrators get the form
// that freezes one.
func (s *Server) showSnapshots(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	s.snapshotsPage(w, r, l, http.StatusOK, "")
}

func (s *Server) snapshotsPage(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, problem string) {
	snaps, err := s.DB.Snapshots(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := components.SnapshotList{Page: s.page(r.Context(), r, l, l.T("snap.title")), Intro: l.T("snap.intro"), Error: problem}
	p.JS = append(p.JS, s.Assets.URL(assetFreezeJS))
	if id, err := strconv.ParseInt(r.URL.Query().Get("frozen"), 10, 64); err == nil && id > 0 {
		p.Flash = l.F("snap.done", id)
	}
	for _, x := range snaps {
		p.Rows = append(p.Rows, components.SnapshotRow{
			ID: strconv.FormatInt(x.ID, 10), At: x.CreatedAt.Local().Format("2006-01-02 15:04"), Actor: x.Actor,
			Year: l.F("year.fmt", x.Year), Scope: s.scopeName(l, x.Street), Note: x.Note,
			Size: fmt.Sprintf("%.0f KB", math.Ceil(float64(x.PDFSize)/1024)),
			URL:  snapshotPath(x.ID), PDFURL: snapshotPath(x.ID) + "/pdf",
		})
	}
	if u, ok := currentUser(r); ok && u.Role == auth.Admin && len(f.years) > 0 {
		form := &components.FreezeForm{Lang: string(l), Progress: l.T("snap.freezing")}
		latest := f.years[len(f.years)-1]
		for _, y := range programYears(s.effectiveProgram(), f.years) {
			c := components.Choice{Value: itoa(y), Label: l.F("year.fmt", y), Selected: y == latest}
			if !slices.Contains(f.years, y) {
				c.Label, c.Disabled = l.F("snap.yearnodata", y), true
			}
			form.Years = append(form.Years, c)
		}
		form.Streets = append(form.Streets, components.Choice{Value: "", Label: s.scopeName(l, "")})
		for _, st := range f.streets {
			form.Streets = append(form.Streets, components.Choice{Value: st.Name, Label: st.Name})
		}
		if err := s.pdfAvailable(); err != nil {
			form.PDFNote, form.Disabled = l.F("pdf.unavailable", pdf.InstallHint), true
		}
		p.Form = form
	}
	s.html(w, r, status, components.SnapshotsPage(p))
}

// freezeSnapshot renders the report of a year and scope and stores its
// PDF and figures, as of one data version, with the audit entry.
func (s *Server) freezeSnapshot(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	// The scope travels in the form; reportScope reads the query.
	q := url.Values{"year": {r.PostForm.Get("year")}, "lang": {r.PostForm.Get("lang")}}
	if st := r.PostForm.Get("street"); st != "" {
		q.Set("street", st)
	}
	r.URL.RawQuery = q.Encode()
	l := lang(w, r)
	u, _ := currentUser(r)
	_, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	note := r.PostFormValue("note")
	if utf8.RuneCountInString(note) > 500 || !utf8.ValidString(note) {
		s.snapshotsPage(w, r, l, http.StatusBadRequest, l.T("snap.badnote"))
		return
	}
	// kind=brief freezes the one-page brief (its 封存并下载) and answers
	// with the frozen PDF itself.
	brief := r.PostFormValue("kind") == kindBrief
	page := ""
	if brief {
		page = pageBrief
		if note == "" {
			note = briefFreezeNote(l)
		}
	}
	var out RenderedReport
	var figs snapshotFigures
	var err error
	for attempt := 0; ; attempt++ {
		out, err = s.RenderReport(r.Context(), ReportRequest{Year: year, Street: street.Name, Lang: l, User: &u, Page: page, Client: clientAddress(r)})
		if err != nil {
			s.pdfError(w, r, l, err)
			return
		}
		// The figures must be those the PDF shows.
		f, err := s.figures(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if f.version == out.DataVersion {
			figs = s.figuresOf(f, year, street)
			if brief {
				figs.Kind = kindBrief
			}
			break
		}
		if attempt == 2 {
			s.pdfError(w, r, l, errReportChanged)
			return
		}
	}
	body, err := json.Marshal(figs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap, err := s.DB.AddSnapshot(r.Context(), db.Snapshot{
		CreatedAt: s.now(), Actor: u.Name, Year: year, Street: street.Name, DataVersion: out.DataVersion,
		Note: note, Figures: body, PDF: out.PDF,
	}, clientAddress(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if brief {
		http.Redirect(w, r, snapshotPath(snap.ID)+"/pdf?"+url.Values{"lang": {string(l)}}.Encode(), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, snapshotPath(snap.ID)+"?"+url.Values{"lang": {string(l)}}.Encode(), http.StatusSeeOther)
}

// loadSnapshot reads the snapshot named by {id}. It answers a missing one
// with notFound and a failure with 500 itself.
func (s *Server) loadSnapshot(w http.ResponseWriter, r *http.Request, notFound func()) (db.Snapshot, bool) {
	id, ok := pathID(r)
	if !ok {
		notFound()
		return db.Snapshot{}, false
	}
	snap, err := s.DB.Snapshot(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		notFound()
		return db.Snapshot{}, false
	}
	if err != nil {
		s.fail(w, r, err)
		return db.Snapshot{}, false
	}
	return snap, true
}

// showSnapshot shows a snapshot and compares its figures with today's.
func (s *Server) showSnapshot(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	snap, ok := s.loadSnapshot(w, r, func() { s.notFound(w, r) })
	if !ok {
		return
	}
	id := snap.ID
	var then snapshotFigures
	if err := json.Unmarshal(snap.Figures, &then); err != nil {
		s.fail(w, r, fmt.Errorf("snapshot %d figures: %w", id, err))
		return
	}
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scope := s.scopeName(l, snap.Street)
	v := components.SnapshotView{Page: s.page(r.Context(), r, l, l.T("snap.title")),
		Heading:    l.F("snap.heading", snap.ID, l.F(snapshotTitleKey(then), scope, snap.Year)),
		Note:       snap.Note,
		PDFURL:     snapshotPath(id) + "/pdf",
		FiguresURL: snapshotPath(id) + "/figures.json",
		ListURL:    href(l, "/snapshots"),
		Immutable:  l.T("snap.immutable"),
	}
	v.Meta = []string{
		l.T("snap.at") + " " + snap.CreatedAt.Local().Format("2006-01-02 15:04"),
		l.T("snap.actor") + " " + snap.Actor,
	}
	v.Tech = []string{l.T("snap.version") + " " + snap.DataVersion}
	if f.version == snap.DataVersion {
		v.Tech = append(v.Tech, l.T("snap.sameversion"))
	} else {
		v.Tech = append(v.Tech, l.F("snap.nowversion", f.version))
	}
	v.SHA256 = snap.PDFSHA256
	now := map[string]metrics.Result{}
	if st, ok := f.street(snap.Street); ok || snap.Street == "" {
		if snap.Street == "" {
			st = db.Unit{}
		}
		for _, x := range f.results(s.effectiveProgram(), st, snap.Year) {
			now[x.Indicator] = x
		}
	}
	var changed int
	v.Changes, changed = s.changesSince(l, then, now)
	v.Since = l.N("snap.since.n", changed)
	if changed == 0 {
		v.Since = l.T("snap.unchanged")
	}
	s.html(w, r, http.StatusOK, components.SnapshotPage(v))
}

// snapshotTitleKey names what a snapshot froze: the brief or the report.
func snapshotTitleKey(f snapshotFigures) string {
	if f.Kind == kindBrief {
		return "brief.title"
	}
	return "report.title"
}

// snapshotPDF serves a snapshot's PDF exactly as frozen.
func (s *Server) snapshotPDF(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	snap, ok := s.loadSnapshot(w, r, func() { s.notFound(w, r) })
	if !ok {
		return
	}
	id := snap.ID
	pdf, err := s.DB.SnapshotPDF(r.Context(), id)
	if errors.Is(err, db.ErrDamaged) {
		s.Logger.Error("snapshot", "id", id, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, l.T("error.damaged"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	name := s.reportFileName(l, snap.Year, snap.Street)
	var figs snapshotFigures
	if json.Unmarshal(snap.Figures, &figs) == nil && figs.Kind == kindBrief {
		name = s.briefFileName(l, snap.Year, snap.Street)
	}
	h.Set("Content-Disposition", contentDisposition("attachment", l.T("snap.nav")+strconv.FormatInt(id, 10)+"-"+name))
	h.Set("ETag", `"`+snap.PDFSHA256+`"`)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	w.Write(pdf)
}

// snapshotFigures serves the frozen figures' JSON exactly as stored.
func (s *Server) snapshotFigures(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.loadSnapshot(w, r, func() { s.jsonError(w, http.StatusNotFound, "no such snapshot / 没有这个快照") })
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Write(snap.Figures)
}

// programYears are the years a snapshot may be of: the program's baseline
// and milestone years and every year with data, ascending.
func programYears(p metrics.Program, data []int) []int {
	years := slices.Clone(data)
	if p.BaselineYear != 0 {
		years = append(years, p.BaselineYear)
	}
	if len(p.Years) > 0 {
		first := p.Years[0]
		if p.BaselineYear != 0 {
			first = p.BaselineYear
		}
		for y := first; y <= p.FinalYear(); y++ {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	return slices.Compact(years)
}
