package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/pdf"
	"jindu/web/components"
	"jindu/web/i18n"
)

// The one-page brief (一页纸): GET /brief?year=Y[&street=S] and its PDF,
// GET /brief.pdf. One A4 page for the meeting table: the verdict, the
// headline table, who is behind on each rating target, what changed since
// the last snapshot, and when and from which data it was made.

// assetBriefCSS styles the brief, on screen and printed.
const assetBriefCSS = "css/brief.css"

// pageBrief is the brief's path, also the page a ReportRequest prints.
const pageBrief = "/brief"

// maxBriefRows bounds the units listed per rating target, so that the
// brief stays one page; the rest are counted ("另 N 个").
const maxBriefRows = 8

// briefURL is the brief page or its PDF for a year and scope.
func briefURL(path string, l i18n.Lang, year int, street string) string {
	return reportURL(path, l, year, street)
}

// briefFileName is e.g. 一页纸简报-2024-魏都区.pdf.
func (s *Server) briefFileName(l i18n.Lang, year int, street string) string {
	return l.T("brief.file") + "-" + strconv.Itoa(year) + "-" + s.scopeName(l, street) + ".pdf"
}

// showBrief renders the brief.
func (s *Server) showBrief(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	f, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	at, user, forPDF := s.printing(r, f)
	m, err := s.briefModel(r, l, f, year, street, at, user, forPDF)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.html(w, r, http.StatusOK, components.BriefPage(m))
}

// briefPDF answers GET /brief.pdf with the brief as a one-page A4 PDF,
// printed by the report's renderer.
func (s *Server) briefPDF(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	_, year, street, ok := s.reportScope(w, r, l)
	if !ok {
		return
	}
	s.servePDF(w, r, l, ReportRequest{Year: year, Street: street.Name, Lang: l, Page: pageBrief}, s.briefFileName(l, year, street.Name))
}

// briefVerdict is the verdict of the brief's scope: the district's (the
// dashboard's, cached), or a street's with its communities.
func (s *Server) briefVerdict(ctx context.Context, f *figures, year int, street db.Unit) (metrics.Verdict, error) {
	if street.ID == 0 {
		return s.verdict(f, year), nil
	}
	units, err := s.DB.StreetUnits(ctx, street.ID)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return metrics.Verdict{}, fmt.Errorf("brief: %w", err)
	}
	return s.streetVerdict(street, units, f.results(s.effectiveProgram(), street, year), year), nil
}

// lastSnapshot is the latest snapshot of a year and scope with its
// figures; ok false when there is none.
func (s *Server) lastSnapshot(ctx context.Context, year int, street string) (db.Snapshot, snapshotFigures, bool, error) {
	snaps, err := s.DB.Snapshots(ctx) // newest first
	if err != nil {
		return db.Snapshot{}, snapshotFigures{}, false, err
	}
	for _, x := range snaps {
		if x.Year != year || x.Street != street {
			continue
		}
		snap, err := s.DB.Snapshot(ctx, x.ID)
		if err != nil {
			return db.Snapshot{}, snapshotFigures{}, false, err
		}
		var then snapshotFigures
		if err := json.Unmarshal(snap.Figures, &then); err != nil {
			return db.Snapshot{}, snapshotFigures{}, false, fmt.Errorf("snapshot %d figures: %w", snap.ID, err)
		}
		return snap, then, true, nil
	}
	return db.Snapshot{}, snapshotFigures{}, false, nil
}

// briefModel builds the brief's view model.
func (s *Server) briefModel(r *http.Request, l i18n.Lang, f *figures, year int, street db.Unit, at time.Time, user *auth.User, forPDF bool) (components.Brief, error) {
	p := s.effectiveProgram()
	scope := s.scopeName(l, street.Name)
	m := components.Brief{Page: s.page(r.Context(), r, l, l.F("brief.title", scope, year))}
	m.CSS = append(m.CSS, s.Assets.URL(assetBriefCSS))
	m.JS = []string{s.Assets.URL(AssetPDFJS)} // no charts; the PDF button's pending state
	m.ForPDF = forPDF
	m.Program = l.Pick(p.Name, p.NameEn)
	m.Heading = l.F("brief.title", scope, year)
	asOf := l.T("data.none")
	if !f.info.LastBatch.IsZero() {
		asOf = f.info.LastBatch.Local().Format("2006-01-02 15:04")
	}
	m.Stamp = []string{l.F("data.asof", asOf, f.version), l.F("report.generated", at.Local().Format("2006-01-02 15:04"))}
	if name := userName(user); name != "" {
		m.Stamp = append(m.Stamp, l.F("report.by", name))
	}
	m.BackURL = href(l, "/", "year", itoa(year))
	if street.ID != 0 {
		m.BackURL = href(l, streetPath(street.Name), "year", itoa(year))
	}
	m.BackText = l.T("brief.back")
	m.ReportURL = reportURL("/report", l, year, street.Name)
	m.SnapshotsURL = href(l, "/snapshots")
	if err := s.pdfAvailable(); err != nil {
		m.PDFNote = l.F("pdf.unavailable", pdf.InstallHint)
	} else {
		m.PDFURL = briefURL("/brief.pdf", l, year, street.Name)
	}
	if user != nil && user.Role == auth.Admin && !forPDF {
		m.Freeze = &components.BriefFreeze{Lang: string(l), Year: itoa(year), Street: street.Name, Disabled: m.PDFURL == ""}
		m.JS = append(m.JS, s.Assets.URL(assetFreezeJS))
	}

	v, err := s.briefVerdict(r.Context(), f, year, street)
	if err != nil {
		return m, err
	}
	m.Verdict = v.Sentence()
	if l == i18n.En {
		m.Verdict = v.SentenceEn()
	}

	results := f.results(p, street, year)
	now := map[string]metrics.Result{}
	for _, res := range results {
		ind, ok := p.Indicator(res.Indicator)
		if !ok {
			continue
		}
		now[res.Indicator] = res
		c := card(l, ind, res)
		row := components.BriefRow{Label: c.Label, Percent: c.Percent, Counts: c.Counts, Target: "—", Status: c.Status,
			Class: c.Class, Needed: "—"}
		if res.Target != nil {
			row.Target = strconv.Itoa(*res.Target) + "%"
		}
		if row.Status == "" {
			row.Status = l.T("notarget")
		}
		if res.Needed != nil && *res.Needed > 0 {
			row.Needed = strconv.Itoa(*res.Needed)
		}
		m.Rows = append(m.Rows, row)
	}
	m.Gaps = s.briefGaps(l, v, now, street.ID != 0)

	snap, then, ok, err := s.lastSnapshot(r.Context(), year, street.Name)
	if err != nil {
		return m, err
	}
	if !ok {
		m.ChangeNote = l.T("brief.nosnapshot")
	} else {
		m.ChangeTitle = l.F("brief.since", snap.ID, snap.CreatedAt.Local().Format("2006-01-02"))
		m.ChangeURL = href(l, snapshotPath(snap.ID))
		rows, changed := s.changesSince(l, then, now)
		if changed == 0 {
			m.ChangeNote = l.T("brief.unchanged")
		}
		for _, row := range rows {
			if row.Class != "same" {
				m.Changes = append(m.Changes, row)
			}
		}
		if changed > 0 && changed < len(rows) {
			m.ChangeNote = l.N("brief.restsame", len(rows)-changed)
		}
	}
	return m, nil
}

// briefGaps is, for each rating target of the year, the scope's standing
// and the units below it that miss the target, worst first.
func (s *Server) briefGaps(l i18n.Lang, v metrics.Verdict, now map[string]metrics.Result, street bool) []components.BriefGap {
	gaps := map[string]metrics.VerdictGap{}
	for _, g := range v.Gaps {
		gaps[g.Indicator.Key] = g
	}
	unitHead, whole := l.T("brief.street"), l.T("brief.district")
	if street {
		unitHead, whole = l.T("brief.community"), l.T("brief.thisstreet")
	}
	var out []components.BriefGap
	for _, ind := range s.effectiveProgram().Indicators {
		res, has := now[ind.Key]
		if ind.Kind != metrics.KindRating || !has || res.Met == nil {
			continue
		}
		bg := components.BriefGap{Title: metrics.ShortName(ind, l == i18n.En) + " · " + l.F("target.fmt", *res.Target),
			Head: []string{unitHead, l.T("percent"), l.T("brief.needed")}}
		if *res.Met {
			bg.Summary, bg.Class = l.F("brief.wholemet", whole, pct(res.Percent), res.Numerator, res.Denominator), "met"
		} else {
			bg.Summary, bg.Class = l.F("brief.wholeunmet", whole, pct(res.Percent), res.Numerator, res.Denominator, *res.Needed), "unmet"
		}
		g := gaps[ind.Key]
		for i, st := range g.Streets {
			if i == maxBriefRows {
				bg.More = l.N("brief.more", len(g.Streets)-maxBriefRows)
				break
			}
			p := st.Percent
			bg.Rows = append(bg.Rows, components.BriefGapRow{Name: st.Street, Percent: pct(&p),
				Counts: fmt.Sprintf("%d/%d", st.Numerator, st.Denominator), Needed: strconv.Itoa(st.Needed)})
		}
		switch {
		case len(g.Streets) > 0:
			bg.Behind = l.N("brief.behind", len(g.Streets), g.StreetsNeeded)
			if street {
				bg.Behind = l.N("brief.behind.comm", len(g.Streets), g.StreetsNeeded)
			}
		case ind.Key == metrics.FiveGoodStreets || (street && ind.Key == metrics.FiveGoodCommunities):
			// The rated units are the scope's own: no list below it.
		case street:
			bg.Behind = l.T("brief.allmet.comm")
		default:
			bg.Behind = l.T("brief.allmet")
		}
		out = append(out, bg)
	}
	return out
}

// briefFreezeNote is the note of a snapshot frozen from the brief when
// the administrator gave none.
func briefFreezeNote(l i18n.Lang) string { return l.T("brief.snapnote") }
