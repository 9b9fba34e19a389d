package ingest

import "fmt"

// The cell parsers with their reasons as errors, for the cell tests.

// headerField returns the identifier (as in the English header, e.g.
// "stars") of the column a header names, after the normalisation Parse
// applies: NFKC, case and surrounding spaces ignored, a trailing remark in
// brackets such as "（0-5）" dropped. ok is false for unknown headers.
func headerField(header string) (id string, ok bool) {
	f, _, ok := matchHeader(header)
	if !ok || f < 0 {
		return "", false
	}
	return fieldInfo[f].en, true
}

// starsOrError parses a 星级 cell: 0–5 as a digit (also "5.0"), "N星" or
// "N星级" with N a digit or 零一二三四五, one to five ★, or "★★★☆☆".
func starsOrError(s string) (int, error) {
	v, e := parseStars(s)
	switch e {
	case starOutOfRange:
		return v, fmt.Errorf("star count %d is outside 0–5", v)
	case starBad:
		return 0, fmt.Errorf("unreadable star count %q", s)
	}
	return v, nil
}

// yearOrError parses a 年份 cell: "2023", "2023年" or a date, 2000–2100.
func yearOrError(s string) (int, error) {
	v, e := parseYear(s)
	switch e {
	case yearChinese:
		return 0, fmt.Errorf("year %q is in Chinese numerals; write digits such as 2023", s)
	case yearOutOfRange:
		return v, fmt.Errorf("year %d is outside 2000–2100", v)
	case yearBad:
		return 0, fmt.Errorf("unreadable year %q", s)
	}
	return v, nil
}
