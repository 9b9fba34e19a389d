// Package metrics is Jindu's domain: the organisation levels being measured,
// a unit's yearly status, programs with their indicators and targets, and the
// computations of percentages, milestones and gaps. It knows nothing of HTTP,
// SQL or HTML; every other package speaks its types.
package metrics

// Level is the organisation level of a unit.
type Level string

// The three measured levels, top to bottom.
const (
	LevelStreet    Level = "street"    // 街道
	LevelCommunity Level = "community" // 社区
	LevelCompound  Level = "compound"  // 小区
)

// Valid reports whether l is one of the measured levels.
func (l Level) Valid() bool {
	return l == LevelStreet || l == LevelCommunity || l == LevelCompound
}

// CommunityType says whether a community is urban (城市社区) or
// agriculture-related (涉农社区); their "五好" criteria differ.
type CommunityType string

// Community types; the empty value means not stated.
const (
	CommunityUrban CommunityType = "urban"
	CommunityRural CommunityType = "rural"
)

// StarNames are the identifiers of the five stars a compound can hold, in the
// plan's order: 党建引领星、便民服务星、文明风尚星、和谐稳定星、美丽宜居星.
var StarNames = [5]string{"party_building_star", "convenience_star", "civility_star", "harmony_star", "livability_star"}

// Status is one unit's state in one year. A nil field means "not reported":
// it is stored as unknown and counted as not achieved.
type Status struct {
	FiveGood        *bool // 五好 (streets and communities)
	Stars           *int  // 0–5 (compounds)
	ServiceCenter   *bool // 党群服务中心
	PartyBranch     *bool // 小区党支部 (compounds)
	OwnersCommittee *bool // 业委会 / 院委会 / 物业管理委员会 (compounds)
	PropertyService *bool // 物业服务企业 (compounds)
	// StarFlags holds each of the five stars when the ledger lists them;
	// indexes follow StarNames.
	StarFlags [5]*bool
}

// Equal reports whether two statuses hold the same values.
func (s Status) Equal(o Status) bool {
	if !eqBool(s.FiveGood, o.FiveGood) || !eqInt(s.Stars, o.Stars) ||
		!eqBool(s.ServiceCenter, o.ServiceCenter) || !eqBool(s.PartyBranch, o.PartyBranch) ||
		!eqBool(s.OwnersCommittee, o.OwnersCommittee) || !eqBool(s.PropertyService, o.PropertyService) {
		return false
	}
	for i := range s.StarFlags {
		if !eqBool(s.StarFlags[i], o.StarFlags[i]) {
			return false
		}
	}
	return true
}

func eqBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int) bool   { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// Bool returns a pointer to v, for building statuses.
func Bool(v bool) *bool { return &v }

// Int returns a pointer to v, for building statuses.
func Int(v int) *int { return &v }

// UnitRef names a unit by its path: a street, a community in it, a compound
// in that community. Its level is the deepest name given.
type UnitRef struct {
	Street        string
	Community     string
	Compound      string
	CommunityType CommunityType // only meaningful for community rows
}

// Level infers the unit's level from which names are filled.
func (u UnitRef) Level() Level {
	switch {
	case u.Compound != "":
		return LevelCompound
	case u.Community != "":
		return LevelCommunity
	default:
		return LevelStreet
	}
}

// Path is the unit's display path: 街道 / 社区 / 小区.
func (u UnitRef) Path() string {
	p := u.Street
	if u.Community != "" {
		p += " / " + u.Community
	}
	if u.Compound != "" {
		p += " / " + u.Compound
	}
	return p
}

// Record sets one unit's status for one year: one row of a ledger.
type Record struct {
	Year   int
	Unit   UnitRef
	Status Status
}
