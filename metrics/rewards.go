package metrics

// Reward is the plan's star reward for a scope (district or street) in one
// year: RewardPerStar yuan for each star a compound holds (1★ 2,000 …
// 5★ 10,000 with the plan's amount).
type Reward struct {
	Year      int
	Stars     int // stars held, summed over compounds with a known count
	Compounds int // compounds holding at least one star
	Amount    int // yuan
}

// RewardOf computes the reward from a tally's star histogram. Compounds
// whose star count was not reported earn nothing.
func RewardOf(p Program, year int, t Tally) Reward {
	r := Reward{Year: year}
	for k, n := range t.StarHistogram {
		r.Stars += k * n
		if k > 0 {
			r.Compounds += n
		}
	}
	r.Amount = r.Stars * p.RewardPerStar
	return r
}

// RewardChange is a year's reward against the year before.
type RewardChange struct {
	Reward
	// Prev is the year before's reward; HasPrev is false when that year has
	// no data, and then the change is not shown.
	Prev    Reward
	HasPrev bool
	Delta   int // Amount − Prev.Amount, yuan
}

// Rewards computes the reward of every year in tallies (ascending), each
// against the year before when it has data.
func Rewards(p Program, tallies map[int]Tally) []RewardChange {
	var out []RewardChange
	for _, y := range YearsWithData(tallies) {
		c := RewardChange{Reward: RewardOf(p, y, tallies[y])}
		if prev, ok := tallies[y-1]; ok && prev.Units() > 0 {
			c.Prev, c.HasPrev = RewardOf(p, y-1, prev), true
			c.Delta = c.Amount - c.Prev.Amount
		}
		out = append(out, c)
	}
	return out
}

// StarShare is the share of compounds holding one of the five stars, among
// the compounds whose ledger listed the stars.
type StarShare struct {
	Star     int // index into StarNames
	Holders  int
	Reported int
	Percent  *float64 // nil when no ledger listed the stars
}

// StarShares returns the five stars' shares and the index of the hardest
// (lowest share; the first on a tie), or -1 when no star columns were
// uploaded.
func StarShares(t Tally) (shares [5]StarShare, hardest int) {
	hardest = -1
	for i := range shares {
		shares[i] = StarShare{Star: i, Holders: t.StarHolders[i], Reported: t.StarReported}
		shares[i].Percent, _, _ = Evaluate(t.StarHolders[i], t.StarReported, nil)
		if t.StarReported > 0 && (hardest < 0 || t.StarHolders[i] < t.StarHolders[hardest]) {
			hardest = i
		}
	}
	return shares, hardest
}
