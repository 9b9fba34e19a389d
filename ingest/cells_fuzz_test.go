package ingest

import "testing"

// FuzzCells feeds arbitrary cell text to the cell parsers: they never
// panic, and what they accept is in range.
func FuzzCells(f *testing.F) {
	for _, s := range []string{"是", "否", "TRUE", "√", "✗", "5", "5星", "五星", "★★★", "2023", "2023年", "二〇二三", " 星级（0-5） ", "", "\x00", "６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseBool(s)
		if n, err := starsOrError(s); err == nil && (n < 0 || n > 5) {
			t.Fatalf("starsOrError(%q) = %d", s, n)
		}
		if y, err := yearOrError(s); err == nil && (y < 2000 || y > 2100) {
			t.Fatalf("yearOrError(%q) = %d", s, y)
		}
		headerField(s)
		ParseCommunityType(s)
	})
}
