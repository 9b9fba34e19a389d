package metrics

// Tally holds the counts of one street (or of the whole district) in one
// year. Counts, never percentages, are the stored truth: every percentage is
// computed from a Tally on demand.
type Tally struct {
	Streets, StreetsFiveGood, StreetsCenter             int
	Communities, CommunitiesFiveGood, CommunitiesCenter int
	Compounds, CompoundsFiveStar, CompoundsBranch       int
	CompoundsCommittee, CompoundsProperty               int
	CompoundsCenter                                     int

	// StarHistogram counts compounds by star count 0–5 (known values only).
	StarHistogram [6]int
	// StarHolders counts compounds holding each of the five stars, when the
	// ledger listed them; StarReported counts compounds whose ledger did.
	StarHolders  [5]int
	StarReported int

	// Unknown counts units whose value for a field was not reported.
	UnknownStreetFiveGood, UnknownCommunityFiveGood int
	UnknownCenter, UnknownCompoundCenter            int // streets and communities; compounds
	UnknownStars, UnknownBranch                     int
	UnknownCommittee, UnknownProperty               int
}

// Add counts one unit's status into the tally. Unknown values count as not
// achieved and are tallied separately so completeness can be reported.
func (t *Tally) Add(level Level, s Status) {
	switch level {
	case LevelStreet:
		t.Streets++
		t.StreetsFiveGood += count(s.FiveGood, &t.UnknownStreetFiveGood)
		t.StreetsCenter += count(s.ServiceCenter, &t.UnknownCenter)
	case LevelCommunity:
		t.Communities++
		t.CommunitiesFiveGood += count(s.FiveGood, &t.UnknownCommunityFiveGood)
		t.CommunitiesCenter += count(s.ServiceCenter, &t.UnknownCenter)
	case LevelCompound:
		t.Compounds++
		if s.Stars == nil {
			t.UnknownStars++
		} else {
			t.StarHistogram[*s.Stars]++
			if *s.Stars == 5 {
				t.CompoundsFiveStar++
			}
		}
		t.CompoundsBranch += count(s.PartyBranch, &t.UnknownBranch)
		t.CompoundsCommittee += count(s.OwnersCommittee, &t.UnknownCommittee)
		t.CompoundsProperty += count(s.PropertyService, &t.UnknownProperty)
		t.CompoundsCenter += count(s.ServiceCenter, &t.UnknownCompoundCenter)
		reported := false
		for i, f := range s.StarFlags {
			if f != nil {
				reported = true
				if *f {
					t.StarHolders[i]++
				}
			}
		}
		if reported {
			t.StarReported++
		}
	}
}

func count(v *bool, unknown *int) int {
	if v == nil {
		*unknown++
		return 0
	}
	if *v {
		return 1
	}
	return 0
}

// Merge adds the counts of o into t, e.g. to sum streets into a district.
func (t *Tally) Merge(o Tally) {
	t.Streets += o.Streets
	t.StreetsFiveGood += o.StreetsFiveGood
	t.StreetsCenter += o.StreetsCenter
	t.Communities += o.Communities
	t.CommunitiesFiveGood += o.CommunitiesFiveGood
	t.CommunitiesCenter += o.CommunitiesCenter
	t.Compounds += o.Compounds
	t.CompoundsFiveStar += o.CompoundsFiveStar
	t.CompoundsBranch += o.CompoundsBranch
	t.CompoundsCommittee += o.CompoundsCommittee
	t.CompoundsProperty += o.CompoundsProperty
	t.CompoundsCenter += o.CompoundsCenter
	for i := range t.StarHistogram {
		t.StarHistogram[i] += o.StarHistogram[i]
	}
	for i := range t.StarHolders {
		t.StarHolders[i] += o.StarHolders[i]
	}
	t.StarReported += o.StarReported
	t.UnknownStreetFiveGood += o.UnknownStreetFiveGood
	t.UnknownCommunityFiveGood += o.UnknownCommunityFiveGood
	t.UnknownCenter += o.UnknownCenter
	t.UnknownCompoundCenter += o.UnknownCompoundCenter
	t.UnknownStars += o.UnknownStars
	t.UnknownBranch += o.UnknownBranch
	t.UnknownCommittee += o.UnknownCommittee
	t.UnknownProperty += o.UnknownProperty
}

// Units is the number of units of every level in the tally.
func (t Tally) Units() int { return t.Streets + t.Communities + t.Compounds }
