package components

import (
	"net/url"
	"strings"

	"github.com/a-h/templ"
)

// NavURL is a navigation link to path that keeps the page's state: the
// language always; the year on the pages that show one year (as "to" on
// the year comparison); the indicator on the pages that select one.
func (p Page) NavURL(path string) string {
	q := url.Values{"lang": {string(p.Lang)}}
	switch path {
	case "/", "/streets":
		if p.Year != "" {
			q.Set("year", p.Year)
		}
		if p.Indicator != "" {
			q.Set("indicator", p.Indicator)
		}
	case "/stars":
		if p.Year != "" {
			q.Set("year", p.Year)
		}
	case "/compare":
		if p.Year != "" {
			q.Set("to", p.Year)
		}
	}
	return path + "?" + q.Encode()
}

// navCurrent marks the nav item of path: "page" on that very page,
// "true" on a page under it (a street's page under 街道对比).
func (p Page) navCurrent(path string) templ.Attributes {
	if p.Path == path {
		return current(true, "page")
	}
	return current(path == "/streets" && strings.HasPrefix(p.Path, "/streets/"), "true")
}

// current marks the selected item of a selector or navigation: value is
// "page" for a link to the page being shown, "true" for the selected one
// of a set (WAI-ARIA aria-current); nothing when not selected.
func current(on bool, value string) templ.Attributes {
	if !on {
		return nil
	}
	return templ.Attributes{"aria-current": value}
}
