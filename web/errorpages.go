package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// Error pages in the page's language, each with a stable English code,
// and, where a year or a street was not found, the ones there are as links
// and the nearest name ("您是否要找…", metrics.Closest).

// errorTitles are the catalog keys of the error pages' titles.
var errorTitles = map[int]string{
	http.StatusBadRequest:            "error.title.400",
	http.StatusUnauthorized:          "error.title.401",
	http.StatusForbidden:             "error.title.403",
	http.StatusNotFound:              "error.title.404",
	http.StatusMethodNotAllowed:      "error.title.405",
	http.StatusConflict:              "error.title.409",
	http.StatusRequestEntityTooLarge: "error.title.413",
	http.StatusTooManyRequests:       "error.title.429",
	http.StatusInternalServerError:   "error.title.500",
	http.StatusServiceUnavailable:    "error.title.503",
}

// errorPage answers status with message and nothing more to offer.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.errorPageWith(w, r, status, components.ErrorView{Message: message})
}

// errorPageWith answers status with e, titled in the page's language.
func (s *Server) errorPageWith(w http.ResponseWriter, r *http.Request, status int, e components.ErrorView) {
	l, _ := i18n.FromRequest(r)
	title := http.StatusText(status)
	if key, ok := errorTitles[status]; ok {
		title = l.T(key)
	}
	p := s.page(r.Context(), r, l, title)
	p.JS = nil
	e.Code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
	e.Home = p.NavURL("/")
	s.html(w, r, status, components.ErrorPage(p, e))
}

// yearError answers a year that is malformed (400) or has no data (404),
// listing years (those with data) as links to the same page; param is the
// query parameter holding the year ("year", or "to" on /compare).
func (s *Server) yearError(w http.ResponseWriter, r *http.Request, l i18n.Lang, years []int, param string) {
	v := r.URL.Query().Get(param)
	status, msg := http.StatusNotFound, l.F("error.noyear.list", v)
	if _, err := strconv.Atoi(v); err != nil {
		status, msg = http.StatusBadRequest, l.T("error.badyear")
	}
	if len(years) == 0 {
		years = s.effectiveProgram().Years
	}
	e := components.ErrorView{Message: msg, LinksLabel: l.T("error.years")}
	for _, y := range years {
		q := r.URL.Query()
		q.Set(param, itoa(y))
		q.Set("lang", string(l))
		e.Links = append(e.Links, components.Link{Label: l.F("year.fmt", y), URL: sameSitePath(r.URL.EscapedPath()) + "?" + q.Encode()})
	}
	s.errorPageWith(w, r, status, e)
}

// streetError answers a street that does not exist (404) with the streets
// there are and the nearest name. On a street's own page the links go to
// the other streets' pages, elsewhere to the same page with ?street=.
func (s *Server) streetError(w http.ResponseWriter, r *http.Request, l i18n.Lang, f *figures, name string) {
	link := func(street string) string {
		q := r.URL.Query()
		q.Set("lang", string(l))
		if r.PathValue("name") != "" {
			q.Del("street")
			return streetPath(street) + "?" + q.Encode()
		}
		q.Set("street", street)
		return sameSitePath(r.URL.EscapedPath()) + "?" + q.Encode()
	}
	names := make([]string, 0, len(f.streets))
	for _, st := range f.streets {
		names = append(names, st.Name)
	}
	slices.Sort(names)
	e := components.ErrorView{Message: l.F("error.nostreet.named", name), LinksLabel: l.T("error.streets")}
	if near := metrics.Closest(name, names); near != "" {
		e.Suggest, e.SuggestText, e.SuggestEnd = components.Link{Label: near, URL: link(near)}, l.T("error.suggest"), l.T("error.suggest.end")
	}
	for _, n := range names {
		e.Links = append(e.Links, components.Link{Label: n, URL: link(n)})
	}
	s.errorPageWith(w, r, http.StatusNotFound, e)
}
