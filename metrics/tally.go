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
	StarHistogram [MaxStars + 1]int
	// StarHolders counts compounds holding each of the five stars, when the
	// ledger listed them; StarReported counts compounds whose ledger did.
	StarHolders  [MaxStars]int
	StarReported int

	// Unknown counts units whose value for a field was not reported.
	UnknownStreetFiveGood, UnknownCommunityFiveGood int
	UnknownCenter, UnknownCompoundCenter            int // streets and communities; compounds
	UnknownStars, UnknownBranch                     int
	UnknownCommittee, UnknownProperty               int
}

// Count counts one unit's status into the tally. Unknown values count as
// not achieved and are tallied separately so completeness can be reported.
func (t *Tally) Count(level Level, s Status) {
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
			if IsFiveStar(*s.Stars) {
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

// Add adds the counts of o into t, e.g. to sum streets into a district.
func (t *Tally) Add(o Tally) { t.combine(o, 1) }

// Sub takes the counts of o away from t, e.g. the statuses a batch
// replaces.
func (t *Tally) Sub(o Tally) { t.combine(o, -1) }

// combine adds sign×o into t, field by field.
func (t *Tally) combine(o Tally, sign int) {
	t.Streets += sign * o.Streets
	t.StreetsFiveGood += sign * o.StreetsFiveGood
	t.StreetsCenter += sign * o.StreetsCenter
	t.Communities += sign * o.Communities
	t.CommunitiesFiveGood += sign * o.CommunitiesFiveGood
	t.CommunitiesCenter += sign * o.CommunitiesCenter
	t.Compounds += sign * o.Compounds
	t.CompoundsFiveStar += sign * o.CompoundsFiveStar
	t.CompoundsBranch += sign * o.CompoundsBranch
	t.CompoundsCommittee += sign * o.CompoundsCommittee
	t.CompoundsProperty += sign * o.CompoundsProperty
	t.CompoundsCenter += sign * o.CompoundsCenter
	for i := range t.StarHistogram {
		t.StarHistogram[i] += sign * o.StarHistogram[i]
	}
	for i := range t.StarHolders {
		t.StarHolders[i] += sign * o.StarHolders[i]
	}
	t.StarReported += sign * o.StarReported
	t.UnknownStreetFiveGood += sign * o.UnknownStreetFiveGood
	t.UnknownCommunityFiveGood += sign * o.UnknownCommunityFiveGood
	t.UnknownCenter += sign * o.UnknownCenter
	t.UnknownCompoundCenter += sign * o.UnknownCompoundCenter
	t.UnknownStars += sign * o.UnknownStars
	t.UnknownBranch += sign * o.UnknownBranch
	t.UnknownCommittee += sign * o.UnknownCommittee
	t.UnknownProperty += sign * o.UnknownProperty
}

// Units is the number of units of every level in the tally.
func (t Tally) Units() int { return t.Streets + t.Communities + t.Compounds }
