package components

import (
	"net/url"
	"strconv"
)

// pathEscape escapes a name for one URL path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

func itoa(n int) string { return strconv.Itoa(n) }
