package components

import "net/url"

// pathEscape escapes a name for one URL path segment.
func pathEscape(s string) string { return url.PathEscape(s) }
