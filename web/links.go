package web

import (
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
	"net/url"
	"strconv"
)

// href builds an internal link that carries the language, so every view's
// URL holds its whole state (year, street, indicator, language) and can be
// bookmarked, shared and printed. Empty values are left out.
func href(l i18n.Lang, path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	q.Set("lang", string(l))
	return path + "?" + q.Encode()
}

// streetPath is the street page's path; the name is user data, escaped as
// one path segment.
func streetPath(name string) string { return "/streets/" + url.PathEscape(name) }

func communityPath(street, community string) string {
	return streetPath(street) + "/communities/" + url.PathEscape(community)
}

func itoa(v int) string { return strconv.Itoa(v) }

// yearLinks builds a year selector for path, keeping the other parameters.
func yearLinks(l i18n.Lang, p metrics.Program, path string, years []int, cur int, kv ...string) []components.YearLink {
	var out []components.YearLink
	for _, y := range years {
		out = append(out, components.YearLink{Label: yearLabel(l, y, p), URL: href(l, path, append([]string{"year", itoa(y)}, kv...)...), Current: y == cur})
	}
	return out
}

func (s *Server) indicatorLinks(l i18n.Lang, path string, cur string, kv ...string) []components.Link {
	var out []components.Link
	for _, ind := range s.effectiveProgram().Indicators {
		out = append(out, components.Link{Label: label(l, ind), URL: href(l, path, append([]string{"indicator", ind.Key}, kv...)...), Current: ind.Key == cur})
	}
	return out
}
