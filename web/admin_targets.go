package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
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
	s.renderTargets(w, r, http.StatusOK, "", "")
}

func (s *Server) renderTargets(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	l := lang(w, r)
	p := s.effectiveProgram()
	v := components.Targets{Page: s.page(r.Context(), r, l, l.T("targets.title")), Message: msg, Error: errMsg}
	v.JS = nil
	for _, y := range p.Years {
		v.Years = append(v.Years, strconv.Itoa(y))
	}
	for _, ind := range p.Indicators {
		row := components.TargetRow{Label: label(l, ind), Key: ind.Key}
		for _, y := range p.Years {
			c := components.TargetCell{Name: ind.Key + "." + strconv.Itoa(y)}
			if t, ok := ind.Target(y); ok {
				c.Value = strconv.Itoa(t)
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.TargetsPage(v))
}

// saveTargets stores the targets that changed; an empty cell means no
// numeric target ("普遍"). Each change is audited.
func (s *Server) saveTargets(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	l := lang(w, r)
	p := s.effectiveProgram()
	var changes []db.TargetOverride
	var details []string
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
					s.renderTargets(w, r, http.StatusBadRequest, "", l.F("targets.bad", label(l, ind), y, raw[0]))
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
		}
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
	s.renderTargets(w, r, http.StatusOK, l.N("targets.saved", len(changes)), "")
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
