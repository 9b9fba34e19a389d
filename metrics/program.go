package metrics

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Program is a plan being tracked: its name, the years with milestones and
// per-year numeric targets for each indicator. A target is a percentage
// (0–100); a missing target means the plan gives no number ("普遍").
type Program struct {
	Name          string
	NameEn        string
	BaselineYear  int   // the year before the first milestone, 0 if none
	Years         []int // milestone years, ascending
	RewardPerStar int   // yuan per star (the plan: 2,000)
	Indicators    []Indicator
}

// Indicator is one tracked indicator of a program.
type Indicator struct {
	IndicatorDef
	Targets map[int]int // year → target percent
}

// Target returns the target for year, if the program sets one.
func (ind Indicator) Target(year int) (int, bool) {
	t, ok := ind.Targets[year]
	return t, ok
}

// FinalYear is the last milestone year.
func (p Program) FinalYear() int {
	if len(p.Years) == 0 {
		return 0
	}
	return p.Years[len(p.Years)-1]
}

// Indicator returns the program's indicator with key.
func (p Program) Indicator(key string) (Indicator, bool) {
	for _, ind := range p.Indicators {
		if ind.Key == key {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Fingerprint is a short hash of the program's numbers, so a change of
// program changes the dashboard's data version.
func (p Program) Fingerprint() string {
	b, _ := json.Marshal(p.file())
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// DefaultProgram returns the Weidu District plan of December 2021
// (《关于推行“党建引领、多方参与、共商共治”红色治理的实施方案》).
func DefaultProgram() Program {
	years := []int{2022, 2023, 2024}
	rising := map[int]int{2022: 20, 2023: 40, 2024: 60}
	full := map[int]int{2022: 100, 2023: 100, 2024: 100}
	targets := map[string]map[int]int{
		FiveGoodStreets:          rising,
		FiveGoodCommunities:      rising,
		FiveStarCompounds:        rising,
		ServiceCenters:           full,
		CompoundPartyBranches:    full,
		CompoundOwnersCommittees: full,
	}
	p := Program{
		Name:          "魏都区“红色治理”三年目标（2022—2024）",
		NameEn:        "Weidu District red governance targets 2022–2024",
		BaselineYear:  2021,
		Years:         years,
		RewardPerStar: 2000,
	}
	for _, d := range defs {
		t := map[int]int{}
		for y, v := range targets[d.Key] {
			t[y] = v
		}
		p.Indicators = append(p.Indicators, Indicator{IndicatorDef: d, Targets: t})
	}
	return p
}

// programFile is the JSON form of a program (`jindu serve --program FILE`).
type programFile struct {
	Name          string                 `json:"name"`
	NameEn        string                 `json:"name_en,omitempty"`
	BaselineYear  int                    `json:"baseline_year,omitempty"`
	Years         []int                  `json:"years"`
	RewardPerStar *int                   `json:"reward_per_star,omitempty"`
	Indicators    []programFileIndicator `json:"indicators"`
}

type programFileIndicator struct {
	Key     string          `json:"key"`
	Label   string          `json:"label,omitempty"`
	LabelEn string          `json:"label_en,omitempty"`
	Targets map[string]*int `json:"targets,omitempty"`
}

func (p Program) file() programFile {
	r := p.RewardPerStar
	f := programFile{Name: p.Name, NameEn: p.NameEn, BaselineYear: p.BaselineYear, Years: p.Years, RewardPerStar: &r}
	for _, ind := range p.Indicators {
		fi := programFileIndicator{Key: ind.Key, Label: ind.Label, LabelEn: ind.LabelEn, Targets: map[string]*int{}}
		for y, v := range ind.Targets {
			fi.Targets[strconv.Itoa(y)] = Int(v)
		}
		f.Indicators = append(f.Indicators, fi)
	}
	return f
}

// MarshalJSON writes the program in its file format.
func (p Program) MarshalJSON() ([]byte, error) { return json.Marshal(p.file()) }

// ProgramError is a problem in a program file, naming the field.
type ProgramError struct {
	Field   string // JSON path, e.g. indicators[2].targets.2023
	Message string
}

func (e *ProgramError) Error() string { return fmt.Sprintf("program: %s: %s", e.Field, e.Message) }

// ParseProgram reads a program file. Unknown fields, unknown indicator keys,
// targets outside 0–100 or for years not in the program are errors naming
// the field.
func ParseProgram(r io.Reader) (Program, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return Program{}, fmt.Errorf("program: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f programFile
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return Program{}, &ProgramError{Field: "(file)", Message: "a program file is a JSON object {\"name\": …, \"years\": […], \"indicators\": […]}, got " + te.Value}
		case errors.As(err, &te):
			return Program{}, &ProgramError{Field: te.Field, Message: fmt.Sprintf("expected %s, got %s", jsonKind(te.Type.Kind().String()), te.Value)}
		case errors.As(err, &se):
			return Program{}, &ProgramError{Field: "(file)", Message: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, err)}
		default:
			return Program{}, &ProgramError{Field: "(file)", Message: err.Error()}
		}
	}
	return f.program()
}

func (f programFile) program() (Program, error) {
	if f.Name == "" {
		return Program{}, &ProgramError{"name", "must not be empty"}
	}
	if len(f.Years) == 0 {
		return Program{}, &ProgramError{"years", "must list at least one year"}
	}
	for i, y := range f.Years {
		if y < 2000 || y > 2100 {
			return Program{}, &ProgramError{fmt.Sprintf("years[%d]", i), fmt.Sprintf("%d is outside 2000–2100", y)}
		}
		if i > 0 && y <= f.Years[i-1] {
			return Program{}, &ProgramError{fmt.Sprintf("years[%d]", i), "years must be ascending without repeats"}
		}
	}
	if f.BaselineYear != 0 && f.BaselineYear >= f.Years[0] {
		return Program{}, &ProgramError{"baseline_year", "must be before the first year"}
	}
	p := Program{Name: f.Name, NameEn: f.NameEn, BaselineYear: f.BaselineYear, Years: f.Years, RewardPerStar: 2000}
	if f.RewardPerStar != nil {
		if *f.RewardPerStar < 0 {
			return Program{}, &ProgramError{"reward_per_star", "must not be negative"}
		}
		p.RewardPerStar = *f.RewardPerStar
	}
	if len(f.Indicators) == 0 {
		return Program{}, &ProgramError{"indicators", "must list at least one indicator"}
	}
	seen := map[string]bool{}
	for i, fi := range f.Indicators {
		field := fmt.Sprintf("indicators[%d]", i)
		d, ok := Definition(fi.Key)
		if !ok {
			keys := make([]string, len(defs))
			for j, d := range defs {
				keys[j] = d.Key
			}
			return Program{}, &ProgramError{field + ".key", fmt.Sprintf("unknown indicator %q (known: %v)", fi.Key, keys)}
		}
		if seen[fi.Key] {
			return Program{}, &ProgramError{field + ".key", fmt.Sprintf("indicator %q listed twice", fi.Key)}
		}
		seen[fi.Key] = true
		if fi.Label != "" {
			d.Label = fi.Label
		}
		if fi.LabelEn != "" {
			d.LabelEn = fi.LabelEn
		}
		ind := Indicator{IndicatorDef: d, Targets: map[int]int{}}
		for ys, v := range fi.Targets {
			tf := field + ".targets." + ys
			y, err := strconv.Atoi(ys)
			if err != nil || !slices.Contains(f.Years, y) {
				return Program{}, &ProgramError{tf, fmt.Sprintf("%q is not one of the program's years %v", ys, f.Years)}
			}
			if v == nil {
				continue // null: no numeric target that year
			}
			if *v < 0 || *v > 100 {
				return Program{}, &ProgramError{tf, fmt.Sprintf("target %d is outside 0–100", *v)}
			}
			ind.Targets[y] = *v
		}
		p.Indicators = append(p.Indicators, ind)
	}
	return p, nil
}

// WithTarget returns a copy of the program where one indicator's target for
// one year is set (target nil: no numeric target). The program's own maps
// are not changed.
func (p Program) WithTarget(key string, year int, target *int) Program {
	inds := make([]Indicator, len(p.Indicators))
	copy(inds, p.Indicators)
	for i, ind := range inds {
		if ind.Key != key {
			continue
		}
		t := make(map[int]int, len(ind.Targets)+1)
		for y, v := range ind.Targets {
			t[y] = v
		}
		if target == nil {
			delete(t, year)
		} else {
			t[year] = *target
		}
		inds[i].Targets = t
	}
	p.Indicators = inds
	p.Years = slices.Clone(p.Years)
	return p
}

// jsonKind names a Go kind the way a program file's author thinks of it.
func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	case "int", "int64", "int32":
		return "a whole number"
	case "string":
		return "text"
	case "ptr":
		return "a number or null"
	}
	return k
}
