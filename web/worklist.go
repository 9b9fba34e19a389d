package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// The work list (还差谁、还差几个): GET /worklist?indicator=K&year=Y[&street=S]
// and the same as a workbook at /worklist.xlsx.

// assetWorkListCSS styles the verdict on the dashboard and the work list.
const assetWorkListCSS = "css/worklist.css"

// Listing bounds: a district view lists each scope's closest units only
// (at least those that close its gap); a street view lists them all.
const (
	minListed    = 5
	maxListed    = 50
	maxStreetAll = 5000
)

// workQuery is a work list request, checked.
type workQuery struct {
	ind    metrics.Indicator
	year   int
	street db.Unit // ID 0: the district
}

// workListOf is a built work list, cached per data version.
type workListOf struct {
	list metrics.WorkList
	big  bool // the district is too large to list unit by unit
	err  error
}

type workKey struct {
	indicator string
	year      int
	street    int64
}

// workQuery reads and checks the parameters, answering bad ones with an
// error page in the request's language.
func (s *Server) workQuery(w http.ResponseWriter, r *http.Request, l i18n.Lang, f *figures) (workQuery, bool) {
	q := workQuery{}
	key := r.URL.Query().Get("indicator")
	if key == "" {
		key = metrics.FiveStarCompounds
	}
	ind, ok := s.effectiveProgram().Indicator(key)
	if !ok || ind.Kind != metrics.KindRating {
		s.errorPage(w, r, http.StatusBadRequest, l.T("error.notrating"))
		return q, false
	}
	q.ind = ind
	year, ok := s.pickYear(w, r, l, f.years)
	if !ok {
		return q, false
	}
	q.year = year
	if name := r.URL.Query().Get("street"); name != "" {
		st, ok := f.street(name)
		if !ok {
			s.streetError(w, r, l, f, name)
			return q, false
		}
		q.street = st
	}
	return q, true
}

// workList builds (once per data version) the work list of a query.
func (s *Server) workList(ctx context.Context, f *figures, q workQuery) workListOf {
	return cached(f, workKey{q.ind.Key, q.year, q.street.ID}, func() workListOf {
		streets := f.streets
		big := false
		if q.street.ID != 0 {
			streets = []db.Unit{q.street}
		} else if f.district[q.year].Units() > maxDistrictUnitList {
			streets, big = nil, true
		}
		var recs []metrics.Record
		for _, st := range streets {
			rs, err := s.yearRecords(ctx, st, q.year)
			if err != nil {
				return workListOf{err: err}
			}
			recs = append(recs, rs...)
		}
		list, err := metrics.BuildWorkList(s.effectiveProgram(), q.ind.Key, q.year, recs)
		return workListOf{list: list, big: big, err: err}
	})
}

// yearRecords are a street's units with a status in year, as records.
func (s *Server) yearRecords(ctx context.Context, st db.Unit, year int) ([]metrics.Record, error) {
	units, err := s.DB.StreetUnits(ctx, st.ID)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	var out []metrics.Record
	for _, u := range units {
		status, ok := u.Status[year]
		if !ok {
			continue
		}
		ref := metrics.UnitRef{Street: st.Name}
		switch u.Level {
		case metrics.LevelCommunity:
			ref.Community, ref.CommunityType = u.Name, u.CommunityType
		case metrics.LevelCompound:
			ref.Community, ref.Compound = names[u.ParentID], u.Name
		}
		out = append(out, metrics.Record{Year: year, Unit: ref, Status: status})
	}
	return out, nil
}

// requestedWorkList reads the query of a work-list request and computes
// its list; on a bad query or a failure it has answered the request and
// ok is false. The page and the workbook share it.
func (s *Server) requestedWorkList(w http.ResponseWriter, r *http.Request) (l i18n.Lang, f *figures, q workQuery, wl workListOf, ok bool) {
	l = lang(w, r)
	f, err := s.figures(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return l, f, q, wl, false
	}
	if q, ok = s.workQuery(w, r, l, f); !ok {
		return l, f, q, wl, false
	}
	wl = s.workList(r.Context(), f, q)
	if errors.Is(wl.err, metrics.ErrNoTarget) {
		s.errorPage(w, r, http.StatusNotFound, l.T("notarget"))
		return l, f, q, wl, false
	}
	if wl.err != nil {
		s.fail(w, r, wl.err)
		return l, f, q, wl, false
	}
	return l, f, q, wl, true
}

// showWorkList renders the work list page.
func (s *Server) showWorkList(w http.ResponseWriter, r *http.Request) {
	l, f, q, wl, ok := s.requestedWorkList(w, r)
	if !ok {
		return
	}
	s.html(w, r, http.StatusOK, components.WorkListView(s.workListPage(r, l, f, q, wl)))
}

// workListURL is the work list of an indicator and year, for a street or
// the district ("").
func workListURL(l i18n.Lang, path, key string, year int, street string) string {
	return href(l, path, "indicator", key, "year", itoa(year), "street", street)
}

func (s *Server) workListPage(r *http.Request, l i18n.Lang, f *figures, q workQuery, wl workListOf) components.WorkListPage {
	list := wl.list
	name := metrics.ShortName(q.ind, l == i18n.En)
	scope := l.T("district")
	if q.street.ID != 0 {
		scope = q.street.Name
	}
	p := components.WorkListPage{Page: s.page(r.Context(), r, l, l.T("wl.title"))}
	p.JS = []string{s.Assets.URL(assetTables)}
	p.CSS = append(p.CSS, s.Assets.URL(assetWorkListCSS))
	p.Crumbs = []components.Crumb{{Label: l.T("district"), URL: href(l, "/", "year", itoa(q.year))}}
	if q.street.ID != 0 {
		p.Crumbs = append(p.Crumbs,
			components.Crumb{Label: l.T("wl.title"), URL: workListURL(l, "/worklist", q.ind.Key, q.year, "")},
			components.Crumb{Label: q.street.Name})
	} else {
		p.Crumbs = append(p.Crumbs, components.Crumb{Label: l.T("wl.title")})
	}
	p.Heading = l.F("wl.heading", scope+" · "+name, l.F("year.fmt", q.year))
	p.Subhead = l.T("wl.subhead")
	p.TargetNote = l.F("wl.target", list.TargetYear, list.Target)
	p.Years, p.YearsName = yearLinks(l, s.effectiveProgram(), "/worklist", f.years, q.year, "indicator", q.ind.Key, "street", q.street.Name), l.T("year.select")
	p.Indicators = components.Selector{Label: l.T("wl.indicator")}
	for _, ind := range s.effectiveProgram().Indicators {
		if ind.Kind == metrics.KindRating {
			p.Indicators.Links = append(p.Indicators.Links, components.Link{Label: metrics.ShortName(ind, l == i18n.En),
				URL: workListURL(l, "/worklist", ind.Key, q.year, q.street.Name), Current: ind.Key == q.ind.Key})
		}
	}
	p.Form = components.WorkListForm{Action: "/worklist", Lang: string(l), Indicator: q.ind.Key, Year: itoa(q.year),
		Label: l.T("wl.street"), Submit: l.T("wl.show"), Street: q.street.Name,
		Streets: []components.Option{{Value: "", Label: l.T("wl.street.all")}}}
	for _, st := range f.streets {
		p.Form.Streets = append(p.Form.Streets, components.Option{Value: st.Name, Label: st.Name})
	}
	p.XLSXURL, p.XLSXLabel = workListURL(l, "/worklist.xlsx", q.ind.Key, q.year, q.street.Name), l.T("wl.xlsx")
	p.PrintNote = l.T("wl.print")

	if wl.big {
		p.Note = l.T("wl.big")
		p.Overview = s.bigStreetsTable(l, f, q)
		return p
	}
	// A street's list is built from its own records: its "district" is the
	// street.
	top := list.District
	top.Street = q.street.Name
	p.Summary = groupSentence(l, list, scope, top)
	below, belowName := list.Streets, "wl.streets"
	if q.street.ID != 0 {
		below, belowName = list.Communities, "wl.communities"
	}
	if list.Level != metrics.LevelStreet && !(q.street.ID != 0 && list.Level == metrics.LevelCommunity) {
		p.Overview = overviewTable(l, list, below, l.T(belowName), q)
	}
	switch {
	case q.street.ID != 0:
		// The summary above says the street's gap; its list follows.
		g := itemsGroup(l, list, "wlstreet", q.street.Name, top, maxStreetAll, "")
		g.Heading, g.Sentence = l.T("wl.all."+string(list.Level)), ""
		p.Groups = append(p.Groups, g)
		for i, g := range list.Communities {
			p.Groups = append(p.Groups, itemsGroup(l, list, "wlc"+itoa(i), g.Community, g, listed(g), ""))
		}
	default:
		if top.Needed > 0 {
			p.Groups = append(p.Groups, itemsGroup(l, list, "wldistrict", l.T("district"), top, listed(top), ""))
		}
		for i, g := range list.Streets {
			p.Groups = append(p.Groups, itemsGroup(l, list, "wls"+itoa(i), g.Street, g, listed(g),
				workListURL(l, "/worklist", q.ind.Key, q.year, g.Street)))
		}
	}
	return p
}

// listed is how many of a group's items a district view lists.
func listed(g metrics.WorkGroup) int {
	return min(max(g.Close, g.Near, minListed), max(maxListed, g.Close))
}

// starsHeld names a star count ("四星", "4 stars").
func starsHeld(l i18n.Lang, stars int) string { return l.T("wl.stars." + itoa(stars)) }

// groupSentence is one scope's gap in words, e.g. "文峰街道还差 1 个：以下 4
// 个小区已是四星，只缺美丽宜居星".
func groupSentence(l i18n.Lang, list metrics.WorkList, scope string, g metrics.WorkGroup) string {
	if g.Needed == 0 {
		return l.F("wl.met", scope, pct(g.Percent), g.Numerator, g.Denominator, list.Target)
	}
	head := l.F("wl.gap", l.F("wl.gap.scope", scope, pct(g.Percent), g.Numerator, g.Denominator), g.Needed)
	if list.Level != metrics.LevelCompound {
		unit := l.T("wl.unit.community")
		if list.Level == metrics.LevelStreet {
			unit = l.T("wl.unit.street")
		}
		s := head + l.F("wl.units", len(g.Items), unit, g.Close)
		if g.Close < g.Needed {
			s += l.N("wl.short", len(g.Items))
		}
		return s
	}
	if g.Near == 0 {
		return head + l.N("wl.short", len(g.Items))
	}
	effort := g.Items[0].Effort
	near := l.N("wl.near", g.Near, starsHeld(l, len(metrics.StarNames)-effort))
	switch {
	case effort == 1 && g.NearMissing >= 0:
		near += l.F("wl.near.only", l.T("star."+itoa(g.NearMissing)))
	case effort == 1:
		near += l.T("wl.near.one")
	default:
		near += l.N("wl.near.k", effort)
	}
	var s string
	if g.Near >= g.Needed {
		s = head + near
	} else {
		s = head + l.N("wl.closest", g.Close, g.Effort) + l.F("wl.closest.near", g.Near, starsHeld(l, len(metrics.StarNames)-effort))
	}
	if g.Close < g.Needed {
		s += l.N("wl.short", len(g.Items))
	}
	return s
}

// missingStars names the stars an item lacks.
func missingStars(l i18n.Lang, it metrics.WorkItem) string {
	if !it.Known {
		return l.T("wl.unreported")
	}
	if it.Missing == nil {
		if it.Effort == 0 {
			return ""
		}
		return l.T("wl.unlisted")
	}
	var names []string
	for _, i := range it.Missing {
		names = append(names, l.T("star."+itoa(i)))
	}
	return strings.Join(names, l.T("list.sep"))
}

// itemParent is where a unit belongs: its community inside a street's
// list, street and community in the district's.
func itemParent(it metrics.WorkItem, inStreet bool) string {
	switch {
	case it.Unit.Compound != "" && inStreet:
		return it.Unit.Community
	case it.Unit.Compound != "":
		return it.Unit.Street + " / " + it.Unit.Community
	case it.Unit.Community != "":
		return it.Unit.Street
	}
	return ""
}

func itemName(it metrics.WorkItem) string {
	return cmpOr(it.Unit.Compound, it.Unit.Community, it.Unit.Street)
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func itemStars(l i18n.Lang, it metrics.WorkItem) string {
	if it.Stars == nil {
		return l.T("wl.unreported")
	}
	return itoa(*it.Stars) + "★"
}

// itemsGroup is one scope's sentence and its ranked units (the first n).
func itemsGroup(l i18n.Lang, list metrics.WorkList, id, scope string, g metrics.WorkGroup, n int, moreURL string) components.WorkGroupView {
	v := components.WorkGroupView{ID: id, Heading: scope, Sentence: groupSentence(l, list, scope, g)}
	t := components.SortTable{ID: id + "t", Caption: l.F("wl.heading", scope, l.F("year.fmt", list.Year)), Filter: len(g.Items) > 10,
		FilterLabel: l.T("wl.filter"), Empty: l.T("wl.none")}
	t.Cols = []components.Col{{Label: l.T("wl.col.rank"), Num: true}, {Label: l.T("wl.col.unit")}, {Label: l.T("wl.col.parent")}}
	if list.Level == metrics.LevelCompound {
		t.Cols = append(t.Cols, components.Col{Label: l.T("wl.col.stars"), Num: true}, components.Col{Label: l.T("wl.col.missing")},
			components.Col{Label: l.T("wl.col.effort"), Num: true})
	} else {
		t.Cols = append(t.Cols, components.Col{Label: l.T("wl.col.share"), Num: true})
	}
	t.Cols = append(t.Cols, components.Col{Label: l.T("wl.col.closes")})
	for i, it := range g.Items {
		if i >= n {
			v.More = l.F("wl.more", n, len(g.Items))
			if moreURL != "" {
				v.MoreURL, v.MoreLabel = moreURL, l.T("wl.more.link")
			}
			break
		}
		row := []components.TCell{intCell(i + 1), nameCell(itemName(it)), nameCell(itemParent(it, g.Street != ""))}
		if list.Level == metrics.LevelCompound {
			stars := -1
			if it.Stars != nil {
				stars = *it.Stars
			}
			row = append(row, components.TCell{Text: itemStars(l, it), Sort: itoa(stars), Num: true},
				components.TCell{Text: missingStars(l, it), Sort: missingStars(l, it), Class: "wl-missing"}, intCell(it.Effort))
		} else {
			row = append(row, pctCell(it.Share))
		}
		closes := components.TCell{Text: l.T("wl.no"), Sort: "0"}
		if it.Closes {
			closes = components.TCell{Text: l.T("wl.yes"), Sort: "1", Class: "wl-closes"}
		}
		row = append(row, closes)
		t.Rows = append(t.Rows, row)
	}
	v.Table = t
	return v
}

// overviewTable lists the scopes behind (streets of the district, or
// communities of a street) with their gaps.
func overviewTable(l i18n.Lang, list metrics.WorkList, groups []metrics.WorkGroup, caption string, q workQuery) components.SortTable {
	t := components.SortTable{ID: "wloverview", Caption: caption, Empty: l.T("wl.none"),
		Cols: []components.Col{{Label: l.T("wl.col.scope")}, {Label: l.T("wl.col.count"), Num: true}, {Label: l.T("wl.col.pct"), Num: true},
			{Label: l.T("wl.col.target"), Num: true}, {Label: l.T("wl.col.needed"), Num: true, Gap: true}, {Label: l.T("wl.col.near"), Num: true}}}
	if list.Level == metrics.LevelCompound {
		t.Cols = append(t.Cols, components.Col{Label: l.T("wl.col.effort"), Num: true})
	}
	for _, g := range groups {
		name := cmpOr(g.Community, g.Street)
		c := nameCell(name)
		if g.Community == "" {
			c.URL = workListURL(l, "/worklist", q.ind.Key, q.year, g.Street)
		}
		row := []components.TCell{c, {Text: frac(g.Numerator, g.Denominator), Sort: itoa(g.Numerator), Num: true},
			pctCell(g.Percent), numCell(itoa(list.Target)+"%", float64(list.Target)), intCell(g.Needed), intCell(g.Near)}
		if list.Level == metrics.LevelCompound {
			row = append(row, intCell(g.Effort))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// bigStreetsTable is the district view of a district too large to list
// unit by unit: the streets behind from their counts.
func (s *Server) bigStreetsTable(l i18n.Lang, f *figures, q workQuery) components.SortTable {
	var groups []metrics.WorkGroup
	for _, st := range f.streets {
		for _, res := range f.results(s.effectiveProgram(), st, q.year) {
			if res.Indicator == q.ind.Key && res.Needed != nil && *res.Needed > 0 {
				groups = append(groups, metrics.WorkGroup{Street: st.Name, Numerator: res.Numerator, Denominator: res.Denominator,
					Percent: res.Percent, Needed: *res.Needed})
			}
		}
	}
	list := metrics.WorkList{Level: metrics.LevelStreet}
	if t, ok := q.ind.Target(q.year); ok {
		list.Target = t
	}
	return overviewTable(l, list, groups, l.T("wl.streets"), q)
}

// workListXLSX writes the work list as a workbook: a summary sheet of the
// scopes and one sheet of every unit listed, in the page's language.
func (s *Server) workListXLSX(w http.ResponseWriter, r *http.Request) {
	l, _, q, wl, ok := s.requestedWorkList(w, r)
	if !ok {
		return
	}
	b, err := workListWorkbook(l, q, wl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scope := l.T("district")
	if q.street.ID != 0 {
		scope = q.street.Name
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", contentDisposition("attachment",
		fmt.Sprintf("%s-%s-%s-%d.xlsx", l.T("wl.title"), scope, metrics.ShortName(q.ind, l == i18n.En), q.year)))
	w.Write(b)
}

// workListWorkbook builds the workbook of a work list.
func workListWorkbook(l i18n.Lang, q workQuery, wl workListOf) ([]byte, error) {
	list := wl.list
	x := excelize.NewFile()
	defer x.Close()
	sum, items := l.T("wl.sheet.sum"), l.T("wl.sheet")
	if err := x.SetSheetName("Sheet1", sum); err != nil {
		return nil, fmt.Errorf("work list workbook: %w", err)
	}
	if _, err := x.NewSheet(items); err != nil {
		return nil, fmt.Errorf("work list workbook: %w", err)
	}
	var groups []metrics.WorkGroup
	switch {
	case wl.big:
	case q.street.ID != 0:
		top := list.District
		top.Street = q.street.Name
		groups = append([]metrics.WorkGroup{top}, list.Communities...)
	default:
		groups = append([]metrics.WorkGroup{list.District}, list.Streets...)
	}
	scopeOf := func(g metrics.WorkGroup) string {
		switch {
		case g.Community != "":
			return g.Street + " / " + g.Community
		case g.Street != "":
			return g.Street
		}
		return l.T("district")
	}
	rows := [][]any{{l.T("wl.col.scope"), l.T("wl.col.count"), l.T("wl.col.pct"), l.T("wl.col.target"), l.T("wl.col.needed"),
		l.T("wl.col.near"), l.T("wl.col.effort")}}
	for _, g := range groups {
		var p any = ""
		if g.Percent != nil {
			p = *g.Percent / 100
		}
		rows = append(rows, []any{scopeOf(g), fmt.Sprintf("%d/%d", g.Numerator, g.Denominator), p, float64(list.Target) / 100,
			g.Needed, g.Near, g.Effort})
	}
	if err := writeRows(x, sum, rows); err != nil {
		return nil, err
	}
	pctStyle, err := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, fmt.Errorf("work list workbook: %w", err)
	}
	if len(rows) > 1 {
		if err := x.SetCellStyle(sum, "C2", "D"+strconv.Itoa(len(rows)), pctStyle); err != nil {
			return nil, fmt.Errorf("work list workbook: %w", err)
		}
	}

	rows = [][]any{{l.T("wl.col.scope"), l.T("wl.col.rank"), l.T("wl.col.unit"), l.T("street"), l.T("wl.unit.community"),
		l.T("wl.col.stars"), l.T("wl.col.missing"), l.T("wl.col.effort"), l.T("wl.col.closes")}}
	if l == i18n.En {
		rows[0][4] = "Community"
	}
	for _, g := range groups {
		for i, it := range g.Items {
			var stars any = l.T("wl.unreported")
			if it.Stars != nil {
				stars = *it.Stars
			}
			effort, missing := any(it.Effort), missingStars(l, it)
			if list.Level != metrics.LevelCompound {
				stars, effort, missing = "", "", ""
			}
			closes := l.T("wl.no")
			if it.Closes {
				closes = strings.TrimPrefix(l.T("wl.yes"), "✓ ")
			}
			rows = append(rows, []any{scopeOf(g), i + 1, itemName(it), it.Unit.Street, it.Unit.Community, stars, missing, effort, closes})
		}
	}
	if err := writeRows(x, items, rows); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("work list workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func writeRows(x *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return fmt.Errorf("work list workbook: %w", err)
		}
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("work list workbook: %w", err)
		}
	}
	return nil
}
