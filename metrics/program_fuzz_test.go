package metrics

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseProgram feeds arbitrary bytes to the program parser: it never
// panics, every error says it is the program's, and every accepted program keeps
// its targets within 0–100 for its own years and survives a round trip
// through its file format.
func FuzzParseProgram(f *testing.F) {
	def, _ := json.Marshal(DefaultProgram())
	f.Add(def)
	f.Add([]byte(`{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2025":70}}]}`))
	f.Add([]byte(`{"name":"x","years":[2025],"indicators":[{"key":"five_star_compounds","targets":{"2025":150}}]}`))
	f.Add([]byte(`{"name":"x","years":[2025,2025],"indicators":[{"key":"nope"}]}`))
	f.Add([]byte(`{"name":"","years":[],"indicators":[],"extra":1}`))
	f.Add([]byte(`{"name":"x","years":[2025],"indicators":[{"key":"service_centers","targets":{"2025":null,"abc":1}}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProgram(bytes.NewReader(data))
		if err != nil {
			// (A top-level value of the wrong type gives an empty field,
			// "program: : expected …"; that is reported, not asserted.)
			if !strings.HasPrefix(err.Error(), "program") {
				t.Errorf("error without the program prefix: %v", err)
			}
			return
		}
		years := map[int]bool{}
		for _, y := range p.Years {
			years[y] = true
		}
		for _, ind := range p.Indicators {
			for y, v := range ind.Targets {
				if v < 0 || v > 100 {
					t.Errorf("%s: target %d accepted", ind.Key, v)
				}
				if !years[y] {
					t.Errorf("%s: target for %d, not a program year %v", ind.Key, y, p.Years)
				}
			}
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal accepted program: %v", err)
		}
		q, err := ParseProgram(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("round trip refused: %v\n%s", err, out)
		}
		if p.Fingerprint() != q.Fingerprint() {
			t.Errorf("round trip changed the program:\n%s", out)
		}
	})
}
