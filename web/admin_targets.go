package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// effectiveProgram returns the program in effect: the configured one with the
// targets administrators set (LoadTargets) applied.
func (s *Server) effectiveProgram() metrics.Program {
	if p := s.effective.Load(); p != nil {
		return *p
	}
	return s.Program
}

// LoadTargets applies the stored target overrides to the configured program.
func (s *Server) LoadTargets(ctx context.Context) error {
	os, err := s.DB.TargetOverrides(ctx)
	if err != nil {
		return err
	}
	p := s.Program
	for _, o := range os {
		if _, ok := p.Indicator(o.Indicator); ok {
			p = p.WithTarget(o.Indicator, o.Year, o.Target)
		}
	}
	s.effective.Store(&p)
	return nil
}

func (s *Server) showTargets(w http.ResponseWriter, r *http.Request) {
	s.renderTargets(w, r, http.StatusOK, "", "", nil, nil)
}

// renderTargets shows the targets page: the program's targets, or those
// of form (a preview, or a form sent back with an error); preview lists
// the statuses the form's targets would change.
func (s *Server) renderTargets(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string, form url.Values, preview *components.TargetPreview) {
	l := lang(w, r)
	p := s.effectiveProgram()
	v := components.Targets{Page: s.page(r.Context(), r, l, l.T("targets.title")), Message: msg, Error: errMsg, Preview: preview}
	v.JS = nil
	for _, y := range p.Years {
		v.Years = append(v.Years, strconv.Itoa(y))
	}
	for _, ind := range p.Indicators {
		row := components.TargetRow{Label: label(l, ind), Key: ind.Key}
		for _, y := range p.Years {
			c := components.TargetCell{Name: ind.Key + "." + strconv.Itoa(y), Year: strconv.Itoa(y)}
			if t, ok := ind.Target(y); ok {
				c.Value = strconv.Itoa(t)
			}
			if vs, ok := form[c.Name]; ok && len(vs) > 0 {
				c.Value = vs[0]
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.TargetsPage(v))
}

// maxPreviewed bounds the status changes a preview lists (the count is
// complete).
const maxPreviewed = 200

// saveTargets stores the targets that changed; an empty cell means no
// numeric target ("普遍"). Each change is audited. With preview=1 it
// stores nothing and shows, with the form as sent, which statuses (of the
// district and of each street) the new targets would change.
func (s *Server) saveTargets(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	p := s.effectiveProgram()
	var changes []db.TargetOverride
	var details []string
	next := p
	for _, ind := range p.Indicators {
		for _, y := range p.Years {
			field := ind.Key + "." + strconv.Itoa(y)
			raw, present := r.PostForm[field]
			if !present {
				continue
			}
			v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(raw[0]), "%"))
			var target *int
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || n > 100 {
					s.renderTargets(w, r, http.StatusBadRequest, "", l.F("targets.bad", label(l, ind), y, raw[0]), r.PostForm, nil)
					return
				}
				target = &n
			}
			old, had := ind.Target(y)
			if (target == nil && !had) || (target != nil && had && *target == old) {
				continue
			}
			changes = append(changes, db.TargetOverride{Indicator: ind.Key, Year: y, Target: target})
			details = append(details, fmt.Sprintf("%s %d: %s → %s", ind.Key, y, targetString(had, old), targetString(target != nil, deref(target))))
			next = next.WithTarget(ind.Key, y, target)
		}
	}
	if r.PostForm.Get("preview") == "1" {
		pv, err := s.targetPreview(r, l, p, next, len(changes))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderTargets(w, r, http.StatusOK, "", "", r.PostForm, pv)
		return
	}
	u, _ := currentUser(r)
	if err := s.DB.SetTargets(r.Context(), u.Name, changes); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.LoadTargets(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, d := range details {
		s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditProgram, Target: "targets", Detail: d})
	}
	s.renderTargets(w, r, http.StatusOK, l.N("targets.saved", len(changes)), "", nil, nil)
}

// targetPreview lists the statuses, of the district then of each street,
// that the program next would change against p.
func (s *Server) targetPreview(r *http.Request, l i18n.Lang, p, next metrics.Program, changed int) (*components.TargetPreview, error) {
	f, err := s.figures(r.Context())
	if err != nil {
		return nil, err
	}
	all := metrics.StatusChanges(p, next, "", f.district)
	for _, st := range f.streets {
		all = append(all, metrics.StatusChanges(p, next, st.Name, f.byStreet[st.ID])...)
	}
	pv := &components.TargetPreview{Summary: l.F("targets.preview.summary", changed, len(all))}
	for _, c := range all {
		if len(pv.Rows) == maxPreviewed {
			pv.More = l.F("targets.preview.more", len(all)-maxPreviewed)
			break
		}
		ind, _ := next.Indicator(c.Indicator)
		scope := l.T("targets.preview.district")
		if c.Street != "" {
			scope = c.Street
		}
		pv.Rows = append(pv.Rows, components.TargetChange{Scope: scope, Indicator: label(l, ind), Year: strconv.Itoa(c.Year),
			Share: pct(c.New.Percent), Old: metText(l, c.Old), New: metText(l, c.New), Worse: c.New.Met != nil && !*c.New.Met})
	}
	return pv, nil
}

// metText says a result's status with its target ("达标（目标 60%）").
func metText(l i18n.Lang, r metrics.Result) string {
	switch {
	case r.Target == nil:
		return l.T("notarget")
	case r.Met == nil:
		return l.T("nodata")
	case *r.Met:
		return l.T("met") + l.Pick("（", " (") + l.F("target.fmt", *r.Target) + l.Pick("）", ")")
	}
	return l.T("unmet") + l.Pick("（", " (") + l.F("target.fmt", *r.Target) + l.Pick("）", ")")
}

func targetString(ok bool, v int) string {
	if !ok {
		return "—"
	}
	return strconv.Itoa(v) + "%"
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
