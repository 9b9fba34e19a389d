package demo

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"jindu/metrics"
)

func collect(t testing.TB, s Scale, seed int64, years []int) []metrics.Record {
	t.Helper()
	var out []metrics.Record
	if err := Generate(s, seed, years, func(r metrics.Record) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRecords(a, b []metrics.Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Year != b[i].Year || a[i].Unit != b[i].Unit || !a[i].Status.Equal(b[i].Status) {
			return false
		}
	}
	return true
}

func byYear(recs []metrics.Record) map[int][]metrics.Record {
	m := map[int][]metrics.Record{}
	for _, r := range recs {
		m[r.Year] = append(m[r.Year], r)
	}
	return m
}

func tallies(recs []metrics.Record) map[int]metrics.Tally {
	m := map[int]metrics.Tally{}
	for _, r := range recs {
		t := m[r.Year]
		t.Count(r.Unit.Level(), r.Status)
		m[r.Year] = t
	}
	return m
}

func TestDeterministic(t *testing.T) {
	a := collect(t, District, 1, Years)
	b := collect(t, District, 1, Years)
	if !sameRecords(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	c := collect(t, District, 2, Years)
	if sameRecords(a, c) {
		t.Fatal("runs with seeds 1 and 2 are identical")
	}
}

// A year's records do not depend on the span asked for (apart from the
// unreported values of the last year).
func TestSpanIndependence(t *testing.T) {
	full := byYear(collect(t, District, 7, Years))
	short := byYear(collect(t, District, 7, Years[:3]))
	for _, y := range Years[:2] {
		if !sameRecords(full[y], short[y]) {
			t.Errorf("%d differs between spans 2021–2024 and 2021–2023", y)
		}
	}
	only := byYear(collect(t, District, 7, []int{2024}))
	if !sameRecords(full[2024], only[2024]) {
		t.Error("2024 alone differs from 2024 in 2021–2024")
	}
}

func TestDistrictShape(t *testing.T) {
	recs := collect(t, District, 1, Years)
	years := byYear(recs)
	if len(years) != len(Years) {
		t.Fatalf("got %d years, want %d", len(years), len(Years))
	}
	var first []metrics.UnitRef
	for i, y := range Years {
		var units []metrics.UnitRef
		streets, communities, compounds, rural := 0, 0, 0, 0
		streetNames := map[string]bool{}
		commNames := map[string]bool{} // unique within the district
		compoundNames := map[[2]string]bool{}
		nils := 0
		for _, r := range years[y] {
			u := r.Unit
			units = append(units, u)
			st := r.Status
			switch u.Level() {
			case metrics.LevelStreet:
				streets++
				if streetNames[u.Street] {
					t.Errorf("%d: street %s twice", y, u.Street)
				}
				streetNames[u.Street] = true
				if !strings.HasSuffix(u.Street, "街道") {
					t.Errorf("street name %q", u.Street)
				}
				if st.FiveGood == nil || st.ServiceCenter == nil {
					t.Errorf("%d: street %s lacks values", y, u.Street)
				}
			case metrics.LevelCommunity:
				communities++
				if commNames[u.Community] {
					t.Errorf("%d: community %s twice in the district", y, u.Community)
				}
				commNames[u.Community] = true
				if !streetNames[u.Street] {
					t.Errorf("%d: community %s before its street %s", y, u.Community, u.Street)
				}
				if !strings.HasSuffix(u.Community, "社区") {
					t.Errorf("community name %q", u.Community)
				}
				switch u.CommunityType {
				case metrics.CommunityRural:
					rural++
				case metrics.CommunityUrban:
				default:
					t.Errorf("%d: community %s has type %q", y, u.Community, u.CommunityType)
				}
				if st.FiveGood == nil || st.ServiceCenter == nil {
					t.Errorf("%d: community %s lacks values", y, u.Community)
				}
			case metrics.LevelCompound:
				compounds++
				key := [2]string{u.Street + "/" + u.Community, u.Compound}
				if compoundNames[key] {
					t.Errorf("%d: compound %s twice in %s", y, u.Compound, key[0])
				}
				compoundNames[key] = true
				if !commNames[u.Community] {
					t.Errorf("%d: compound %s before its community %s", y, u.Compound, u.Community)
				}
				if u.CommunityType != "" {
					t.Errorf("compound row with community type %q", u.CommunityType)
				}
				if st.FiveGood != nil {
					t.Errorf("compound %s has FiveGood", u.Compound)
				}
				if st.Stars == nil {
					nils++
				}
				for _, p := range []*bool{st.ServiceCenter, st.PartyBranch, st.OwnersCommittee, st.PropertyService} {
					if p == nil {
						nils++
					}
				}
				checkStarFlags(t, r)
			}
		}
		t.Logf("%d: %d streets, %d communities (%d rural, %.1f%%), %d compounds, %d values not reported",
			y, streets, communities, rural, 100*float64(rural)/float64(communities), compounds, nils)
		if streets != 13 {
			t.Errorf("%d: %d streets, want 13", y, streets)
		}
		if communities < 90 || communities > 110 {
			t.Errorf("%d: %d communities, want 90–110", y, communities)
		}
		if compounds < 900 || compounds > 1100 {
			t.Errorf("%d: %d compounds, want 900–1100", y, compounds)
		}
		if share := float64(rural) / float64(communities); share < 0.15 || share > 0.25 {
			t.Errorf("%d: rural share %.2f, want 0.15–0.25", y, share)
		}
		last := i == len(Years)-1
		if !last && nils != 0 {
			t.Errorf("%d: %d values not reported before the last year", y, nils)
		}
		if last && (nils == 0 || nils > compounds/50) {
			t.Errorf("%d: %d values not reported, want a few (≤2%%)", y, nils)
		}
		if i == 0 {
			first = units
		} else if !slices.Equal(first, units) {
			t.Errorf("%d: the units or their order differ from %d", y, Years[0])
		}
	}
}

func checkStarFlags(t *testing.T, r metrics.Record) {
	t.Helper()
	st := r.Status
	n := 0
	set := 0
	for _, f := range st.StarFlags {
		if f != nil {
			set++
			if *f {
				n++
			}
		}
	}
	switch {
	case st.Stars == nil:
		if set != 0 {
			t.Errorf("%d %s: stars not reported but flags are", r.Year, r.Unit.Compound)
		}
	case set != 5:
		t.Errorf("%d %s: %d of 5 star flags reported", r.Year, r.Unit.Compound, set)
	case *st.Stars != n || n < 0 || n > 5:
		t.Errorf("%d %s: %d stars but %d flags", r.Year, r.Unit.Compound, *st.Stars, n)
	}
}

func TestSeedPageUnits(t *testing.T) {
	recs := byYear(collect(t, District, 1, Years))[2021]
	want := map[string]bool{
		"五一路街道/光明社区/": false, "五一路街道/光明社区/光明新村": false,
		"西关街道/河西社区/": false, "西关街道/河西社区/军休一所家属院": false,
		"东大街道/天宝社区/": false, "丁庄街道/东李庄社区/": false,
	}
	for _, r := range recs {
		key := r.Unit.Street + "/" + r.Unit.Community + "/" + r.Unit.Compound
		if _, ok := want[key]; ok {
			want[key] = true
		}
		if r.Unit.Community == "东李庄社区" && r.Unit.Compound == "" && r.Unit.CommunityType != metrics.CommunityRural {
			t.Error("东李庄社区 is not 涉农")
		}
		if key == "五一路街道/光明社区/光明新村" {
			if !*r.Status.ServiceCenter || !*r.Status.OwnersCommittee {
				t.Error("光明新村 had its service centre and 院委会 in December 2021")
			}
		}
	}
	for k, found := range want {
		if !found {
			t.Errorf("%s missing", k)
		}
	}
}

var ratingKeys = []string{metrics.FiveGoodStreets, metrics.FiveGoodCommunities, metrics.FiveStarCompounds}

func TestDistrictShares(t *testing.T) {
	p := metrics.DefaultProgram()
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		res := metrics.Compute(p, "", tallies(collect(t, District, seed, Years)))
		get := func(key string, year int) metrics.Result {
			for _, r := range res {
				if r.Indicator == key && r.Year == year {
					return r
				}
			}
			t.Fatalf("no result for %s %d", key, year)
			return metrics.Result{}
		}
		if seed == 1 {
			var b strings.Builder
			fmt.Fprintf(&b, "district shares, seed 1:\n%-28s", "")
			for _, y := range Years {
				fmt.Fprintf(&b, " %18d", y)
			}
			for _, ind := range p.Indicators {
				fmt.Fprintf(&b, "\n%-28s", ind.Key)
				for _, y := range Years {
					r := get(ind.Key, y)
					mark := " "
					if r.Met != nil {
						mark = map[bool]string{true: "✓", false: "✗"}[*r.Met]
					}
					cell := fmt.Sprintf("%5.1f%% %d/%d%s", *r.Percent, r.Numerator, r.Denominator, mark)
					if r.Unknown > 0 {
						cell += fmt.Sprintf("?%d", r.Unknown)
					}
					fmt.Fprintf(&b, " %18s", cell)
				}
			}
			t.Log(b.String())
		}
		met, missed := 0, 0
		for _, key := range ratingKeys {
			base := get(key, 2021)
			if *base.Percent < 5 || *base.Percent > 12 {
				t.Errorf("seed %d: %s baseline %.1f%%, want 5–12%%", seed, key, *base.Percent)
			}
			prev := *base.Percent
			for _, y := range Years[1:] {
				r := get(key, y)
				if *r.Met {
					met++
				} else {
					missed++
				}
				if *r.Percent <= prev {
					t.Errorf("seed %d: %s does not rise in %d", seed, key, y)
				}
				prev = *r.Percent
			}
		}
		if met == 0 || missed == 0 {
			t.Errorf("seed %d: rating milestones met %d, missed %d; want some of each", seed, met, missed)
		}
		if r := get(metrics.FiveStarCompounds, 2023); *r.Met || *r.Percent < 35 {
			t.Errorf("seed %d: five-star 2023 at %.1f%%, want just under 40%%", seed, *r.Percent)
		}
		for _, y := range Years[1:] {
			if r := get(metrics.FiveGoodCommunities, y); !*r.Met {
				t.Errorf("seed %d: five-good communities miss %d", seed, y)
			}
		}
		// Completion: rising; 2022 met by some indicators, not all.
		met2022, missed2022 := 0, 0
		for _, ind := range p.Indicators {
			if ind.Kind != metrics.KindCompletion {
				continue
			}
			prev := -1.0
			for _, y := range Years {
				r := get(ind.Key, y)
				if *r.Percent < prev {
					t.Errorf("seed %d: %s falls in %d", seed, ind.Key, y)
				}
				prev = *r.Percent
			}
			if r := get(ind.Key, 2022); r.Met != nil {
				if *r.Met {
					met2022++
				} else {
					missed2022++
				}
			}
		}
		if met2022 == 0 || missed2022 == 0 {
			t.Errorf("seed %d: 2022 completion milestones met %d, missed %d; want some of each", seed, met2022, missed2022)
		}
		for key, band := range map[string][2]float64{
			metrics.CompoundPropertyServices: {50, 90},
			metrics.CompoundServiceCenters:   {25, 92},
		} {
			lo, hi := *get(key, 2021).Percent, *get(key, 2024).Percent
			if lo < band[0]-5 || lo > band[0]+10 || hi < band[1]-10 || hi > band[1]+5 || hi-lo < 20 {
				t.Errorf("seed %d: %s %.1f%% → %.1f%%, want roughly %v", seed, key, lo, hi, band)
			}
		}
	}
}

// Ratings are rarely lost; streets progress at different paces.
func TestCampaignDynamics(t *testing.T) {
	years := byYear(collect(t, District, 1, Years))
	type key struct{ street, community, compound string }
	lost, held := 0, 0
	prev := map[key]bool{}
	for _, y := range Years {
		cur := map[key]bool{}
		perStreet := map[string][2]int{}
		for _, r := range years[y] {
			if r.Unit.Level() != metrics.LevelCompound || r.Status.Stars == nil {
				continue
			}
			k := key{r.Unit.Street, r.Unit.Community, r.Unit.Compound}
			five := *r.Status.Stars == 5
			cur[k] = five
			if prev[k] {
				held++
				if !five {
					lost++
				}
			}
			c := perStreet[r.Unit.Street]
			c[1]++
			if five {
				c[0]++
			}
			perStreet[r.Unit.Street] = c
		}
		prev = cur
		if y == 2024 {
			lo, hi := 100.0, 0.0
			for _, c := range perStreet {
				share := 100 * float64(c[0]) / float64(c[1])
				lo, hi = min(lo, share), max(hi, share)
			}
			t.Logf("2024 five-star share per street: %.1f%%–%.1f%%", lo, hi)
			if hi-lo < 25 {
				t.Errorf("streets' 2024 five-star shares span %.1f–%.1f%%; want different paces", lo, hi)
			}
		}
	}
	t.Logf("five-star ratings lost from one year to the next: %d of %d", lost, held)
	if lost == 0 || float64(lost) > 0.06*float64(held) {
		t.Errorf("%d of %d five-star ratings lost; want a few", lost, held)
	}
}

func TestCityNames(t *testing.T) {
	streets := map[string]bool{}
	communities := map[string]bool{} // street/community
	compounds := map[string]bool{}   // street/community/compound
	n := 0
	err := Generate(City, 3, []int{2024}, func(r metrics.Record) error {
		u := r.Unit
		var m map[string]bool
		var k string
		switch u.Level() {
		case metrics.LevelStreet:
			m, k = streets, u.Street
		case metrics.LevelCommunity:
			m, k = communities, u.Street+"/"+u.Community
		default:
			m, k = compounds, u.Street+"/"+u.Community+"/"+u.Compound
			n++
		}
		if m[k] {
			return fmt.Errorf("%s twice", k)
		}
		m[k] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(streets) != 100 || len(communities) < 950 || len(communities) > 1050 || n < 9500 || n > 10500 {
		t.Errorf("city: %d streets, %d communities, %d compounds", len(streets), len(communities), n)
	}
}

// Every stem+suffix spells a distinct name, so distinct codes give distinct
// names; community pools are disjoint.
func TestNameTables(t *testing.T) {
	seen := map[string][2]int{}
	for i, s := range stems.names {
		for j, x := range suffixes {
			name := s + x
			if o, ok := seen[name]; ok {
				t.Errorf("%s is both %v and %v", name, o, [2]int{i, j})
			}
			seen[name] = [2]int{i, j}
		}
	}
	for _, u := range urbanPool {
		if slices.Contains(ruralPool, u) {
			t.Errorf("%s is in both community pools", stems.names[u])
		}
	}
	for _, e := range extraStreetStems {
		if slices.Contains(realStreets, e+"街道") {
			t.Errorf("extra street stem %s is a real street", e)
		}
	}
	if len(urbanPool) < 90 || len(ruralPool) < 25 {
		t.Errorf("pools too small for a district: %d urban, %d rural", len(urbanPool), len(ruralPool))
	}
	if got := numeral(23); got != "二十三" {
		t.Errorf("numeral(23) = %s", got)
	}
}

func TestErrors(t *testing.T) {
	nop := func(metrics.Record) error { return nil }
	if err := Generate(District, 1, []int{2022, 2021}, nop); err == nil {
		t.Error("descending years accepted")
	}
	if err := Generate(Scale{Name: "empty"}, 1, Years, nop); err == nil {
		t.Error("empty scale accepted")
	}
	stop := errors.New("stop")
	n := 0
	err := Generate(District, 1, Years, func(metrics.Record) error {
		n++
		if n == 50 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 50 {
		t.Errorf("emit error: got %v after %d records", err, n)
	}
	if err := Generate(District, 1, nil, func(metrics.Record) error { return errors.New("called") }); err != nil {
		t.Errorf("no years: %v", err)
	}
}

func TestScaleByName(t *testing.T) {
	for _, s := range []Scale{District, City, Province} {
		if got, ok := ScaleByName(strings.ToUpper(s.Name)); !ok || got != s {
			t.Errorf("ScaleByName(%q) = %v, %v", s.Name, got, ok)
		}
	}
	if _, ok := ScaleByName("country"); ok {
		t.Error("unknown scale found")
	}
}

// TestProvince streams a million compounds a year. It is slow: run it with
// JINDU_SLOW=1 and without -short.
func TestProvince(t *testing.T) {
	if testing.Short() || os.Getenv("JINDU_SLOW") != "1" {
		t.Skip("set JINDU_SLOW=1 (without -short) to generate the province scale")
	}
	start := time.Now()
	perYear := map[int]int{}
	var peak uint64
	var ms runtime.MemStats
	n := 0
	err := Generate(Province, 1, Years, func(r metrics.Record) error {
		if r.Unit.Level() == metrics.LevelCompound {
			perYear[r.Year]++
		}
		n++
		if n%200_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("province: %d records in %v, compounds per year %v, peak heap in use %d MB",
		n, time.Since(start).Round(time.Millisecond), perYear, peak>>20)
	for _, y := range Years {
		if c := perYear[y]; c < 950_000 || c > 1_050_000 || c != perYear[Years[0]] {
			t.Errorf("%d: %d compounds, want about 1,000,000 every year", y, c)
		}
	}
	if peak > 200<<20 {
		t.Errorf("peak heap %d MB; generation should stream", peak>>20)
	}
}

func benchmarkGenerate(b *testing.B, s Scale) {
	n := 0
	for b.Loop() {
		if err := Generate(s, 1, Years, func(metrics.Record) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "records/op")
}

func BenchmarkGenerateDistrict(b *testing.B) { benchmarkGenerate(b, District) }

func BenchmarkGenerateCity(b *testing.B) { benchmarkGenerate(b, City) }

func BenchmarkGenerateProvince(b *testing.B) {
	if os.Getenv("JINDU_SLOW") != "1" {
		b.Skip("set JINDU_SLOW=1 to benchmark the province scale")
	}
	benchmarkGenerate(b, Province)
}
