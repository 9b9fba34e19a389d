package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"jindu/ingest"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// showCorrect is the online correction form (clerks in scope, admins),
// pre-filled from the query (year, street, community, compound, field).
func (s *Server) showCorrect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	y, _ := strconv.Atoi(q.Get("year"))
	c := correction{Year: y, Street: q.Get("street"), Community: q.Get("community"), Compound: q.Get("compound"), Field: q.Get("field")}
	s.renderCorrect(w, r, lang(w, r), http.StatusOK, c, "", "")
}

func (s *Server) renderCorrect(w http.ResponseWriter, r *http.Request, l i18n.Lang, status int, c correction, msg, errMsg string) {
	ctx := r.Context()
	u, _ := currentUser(r)
	f, err := s.figures(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.Year == 0 {
		c.Year = f.latest
	}
	v := components.Correct{Page: s.page(ctx, r, l, l.T("correct.title")), Message: msg, Error: errMsg,
		Community: c.Community, Compound: c.Compound, Value: c.Value, Reason: c.Reason}
	v.JS = nil
	v.UnderReview, _ = s.submits(r, u)
	p := s.effectiveProgram()
	years := p.Years
	if p.BaselineYear != 0 {
		years = append([]int{p.BaselineYear}, years...)
	}
	for _, y := range years {
		v.Years = append(v.Years, components.Choice{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == c.Year})
	}
	for _, st := range f.streets {
		if u.MayChangeStreet(st.Name) {
			v.Streets = append(v.Streets, components.Choice{Value: st.Name, Label: st.Name, Selected: st.Name == c.Street})
		}
	}
	if c.Street == "" && len(v.Streets) > 0 {
		c.Street = v.Streets[0].Value
	}
	if c.Field == "" && c.Compound != "" {
		c.Field = "stars" // a compound's usual correction
	}
	for _, key := range ingest.CorrectionFields() {
		v.Fields = append(v.Fields, components.Choice{Value: key, Label: l.T("field." + key), Selected: key == c.Field})
	}
	if st, ok := f.street(c.Street); ok && u.MayChangeStreet(c.Street) {
		recs, err := s.DB.StreetRecords(ctx, st, c.Year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, rec := range recs {
			switch {
			case rec.Unit.Compound != "" && rec.Unit.Community == c.Community:
				v.Compounds = append(v.Compounds, rec.Unit.Compound)
			case rec.Unit.Compound == "" && rec.Unit.Community != "":
				v.Communities = append(v.Communities, rec.Unit.Community)
			}
			if rec.Unit.Community == c.Community && rec.Unit.Compound == c.Compound {
				v.CurrentOf = l.F("correct.current", rec.Unit.Path(), c.Year)
				v.Current = currentValues(l, rec)
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.CorrectPage(v))
}

// currentValues lists a unit-year's values for the form, in words.
func currentValues(l i18n.Lang, rec metrics.Record) []components.CurrentValue {
	yn := func(b *bool) string {
		switch {
		case b == nil:
			return l.T("preview.notreported")
		case *b:
			return l.T("value.yes")
		}
		return l.T("value.no")
	}
	st := rec.Status
	var out []components.CurrentValue
	add := func(key, v string) { out = append(out, components.CurrentValue{Field: l.T("field." + key), Value: v}) }
	if rec.Unit.Compound == "" {
		add("five_good", yn(st.FiveGood))
		add("service_center", yn(st.ServiceCenter))
		return out
	}
	stars := l.T("preview.notreported")
	if st.Stars != nil {
		stars = strconv.Itoa(*st.Stars) + "★"
	}
	add("stars", stars)
	add("service_center", yn(st.ServiceCenter))
	add("party_branch", yn(st.PartyBranch))
	add("owners_committee", yn(st.OwnersCommittee))
	add("property_service", yn(st.PropertyService))
	for i, b := range st.StarFlags {
		add(metrics.StarNames[i], yn(b))
	}
	return out
}

// postCorrect applies (or submits) a correction from the form and shows
// the form again with the result or with what is wrong.
func (s *Server) postCorrect(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	u, _ := currentUser(r)
	c := readCorrection(r)
	res, submit, err := s.correct(r, l, u, c)
	var bad *errCorrection
	switch {
	case errors.Is(err, errForbidden):
		s.forbidden(w, r)
		return
	case errors.As(err, &bad):
		s.renderCorrect(w, r, l, bad.Status, c, "", bad.Message)
		return
	case errors.Is(err, ingest.ErrInvalid):
		var why []string
		for _, p := range res.Report.Errors {
			why = append(why, p.Message)
		}
		s.renderCorrect(w, r, l, http.StatusUnprocessableEntity, c, "", strings.Join(why, l.Pick("", " ")))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	msg := l.T("correct.nochange")
	switch {
	case res.DuplicateOf != nil || res.Batch.Changed == 0:
	case submit:
		msg = l.F("correct.submitted", res.Batch.ID)
	default:
		msg = l.F("correct.applied", res.Batch.ID)
	}
	c.Value, c.Reason = "", ""
	s.renderCorrect(w, r, l, http.StatusOK, c, msg, "")
}

// correctURL is the correction form of a street or community's year, for
// a user who may change the street's data; "" for others.
func correctURL(r *http.Request, l i18n.Lang, year int, street, community string) string {
	u, ok := currentUser(r)
	if !ok || !u.MayChangeStreet(street) {
		return ""
	}
	args := []string{"year", itoa(year), "street", street}
	if community != "" {
		args = append(args, "community", community)
	}
	return href(l, "/correct", args...)
}
