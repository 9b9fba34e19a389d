package web

import (
	"testing"

	"jindu/web/i18n"
)

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		yuan   int
		zh, en string
	}{
		{7_562_000, "756.2 万元", "¥7,562,000"},
		{2_000, "0.2 万元", "¥2,000"},
		{10_000, "1 万元", "¥10,000"},
		{123_456_789, "12,345.68 万元", "¥123,456,789"},
		{1_584_000, "158.4 万元", "¥1,584,000"},
		{0, "0 万元", "¥0"},
		{-52_000, "-5.2 万元", "¥-52,000"},
	} {
		if got := money(i18n.Zh, tc.yuan); got != tc.zh {
			t.Errorf("money(zh, %d) = %q, want %q", tc.yuan, got, tc.zh)
		}
		if got := money(i18n.En, tc.yuan); got != tc.en {
			t.Errorf("money(en, %d) = %q, want %q", tc.yuan, got, tc.en)
		}
	}
	if got := frac(1234, 56789); got != "1,234/56,789" {
		t.Errorf("frac %q", got)
	}
}

// English counts agree with their nouns: "1 compound", never "1 compounds".
func TestEnglishPlurals(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{i18n.En.N("wl.near", 1, "four stars"), "the 1 compound below already holds four stars"},
		{i18n.En.N("wl.near", 4, "four stars"), "the 4 compounds below already hold four stars"},
		{i18n.En.N("wl.short", 1), ", but only 1 is not rated"},
		{i18n.En.N("incomplete.unknown", 1), "1 unit not reported"},
		{i18n.En.F("wl.units", 1, "communities", 1), "communities below not yet five-good: 1; rating 1 of them meets the target"},
		{i18n.En.F("cmp.summary", "X", 1, 1, 60, 1, 1), "X: 1 of 1 streets meet the 60% milestone; not met: 1; off track: 1."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
