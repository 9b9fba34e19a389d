package metrics

// Completeness says how complete one year's data is: which streets have
// reported and how many units left each indicator's value unreported.
type Completeness struct {
	Year            int
	Streets         int      // streets known to the district
	Reported        int      // streets with any data that year
	Missing         []string // streets without data, in the order given
	Unknown         map[string]int
	UnknownAnywhere bool // some indicator has unreported values
}

// Incomplete reports whether a district percentage for the indicator was
// computed on incomplete data: a street has not reported, or a unit left
// the value unreported. Such percentages carry a visible mark.
func (c Completeness) Incomplete(indicator string) bool {
	return c.Reported < c.Streets || c.Unknown[indicator] > 0
}

// CompletenessOf assesses a year: streets lists every street's name,
// byStreet holds that year's tally of each street that has one.
func CompletenessOf(p Program, year int, streets []string, byStreet map[string]Tally) Completeness {
	c := Completeness{Year: year, Streets: len(streets), Unknown: map[string]int{}}
	var district Tally
	for _, name := range streets {
		t, ok := byStreet[name]
		if !ok || t.Units() == 0 {
			c.Missing = append(c.Missing, name)
			continue
		}
		c.Reported++
		district.Add(t)
	}
	for _, ind := range p.Indicators {
		if ind.Unknown == nil {
			continue
		}
		n := ind.Unknown(district)
		c.Unknown[ind.Key] = n
		if n > 0 {
			c.UnknownAnywhere = true
		}
	}
	return c
}
