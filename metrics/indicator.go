package metrics

// Kind groups indicators by how officials read them.
type Kind string

// Indicator kinds.
const (
	// KindRating is a share of units holding a rating (五好, 五星), with
	// rising milestones; charted per year.
	KindRating Kind = "rating"
	// KindCompletion is a share of units where something is set up; shown
	// as a progress bar.
	KindCompletion Kind = "completion"
)

// IndicatorDef is a built-in way of counting: which units form the
// denominator and which of them the numerator. Programs pick from these by
// key and set targets; a new plan needs no code change.
type IndicatorDef struct {
	Key   string
	Kind  Kind
	Label string // Simplified Chinese, as the plan words it
	// LabelEn is the English label.
	LabelEn string
	// Unit is the counted unit's measure word in Chinese (个街道、个社区、个小区).
	Unit string
	// Count returns numerator and denominator from a tally.
	Count func(Tally) (num, den int)
	// Unknown returns how many units in the denominator lack the value.
	Unknown func(Tally) int
}

// Indicator keys of the built-in definitions.
const (
	FiveGoodStreets          = "five_good_streets"
	FiveGoodCommunities      = "five_good_communities"
	FiveStarCompounds        = "five_star_compounds"
	ServiceCenters           = "service_centers"
	CompoundPartyBranches    = "compound_party_branches"
	CompoundOwnersCommittees = "compound_owners_committees"
	CompoundPropertyServices = "compound_property_services"
	CompoundServiceCenters   = "compound_service_centers"
)

var defs = []IndicatorDef{
	{FiveGoodStreets, KindRating, "“五好”街道党工委占比", "Streets rated five-good", "个街道",
		func(t Tally) (int, int) { return t.StreetsFiveGood, t.Streets },
		func(t Tally) int { return t.UnknownStreetFiveGood }},
	{FiveGoodCommunities, KindRating, "“五好”社区党组织占比", "Communities rated five-good", "个社区",
		func(t Tally) (int, int) { return t.CommunitiesFiveGood, t.Communities },
		func(t Tally) int { return t.UnknownCommunityFiveGood }},
	{FiveStarCompounds, KindRating, "“五星”小区占比", "Five-star compounds", "个小区",
		func(t Tally) (int, int) { return t.CompoundsFiveStar, t.Compounds },
		func(t Tally) int { return t.UnknownStars }},
	{ServiceCenters, KindCompletion, "街道、社区党群服务中心建成率", "Street and community party-service centres built", "个",
		func(t Tally) (int, int) { return t.StreetsCenter + t.CommunitiesCenter, t.Streets + t.Communities },
		func(t Tally) int { return t.UnknownCenter }},
	{CompoundPartyBranches, KindCompletion, "小区党支部建立率", "Compound party branches set up", "个小区",
		func(t Tally) (int, int) { return t.CompoundsBranch, t.Compounds },
		func(t Tally) int { return t.UnknownBranch }},
	{CompoundOwnersCommittees, KindCompletion, "小区业委会（院委会）组建率", "Compound owners' committees formed", "个小区",
		func(t Tally) (int, int) { return t.CompoundsCommittee, t.Compounds },
		func(t Tally) int { return t.UnknownCommittee }},
	{CompoundPropertyServices, KindCompletion, "小区物业服务企业引进率", "Compounds with a property-service company", "个小区",
		func(t Tally) (int, int) { return t.CompoundsProperty, t.Compounds },
		func(t Tally) int { return t.UnknownProperty }},
	{CompoundServiceCenters, KindCompletion, "小区党群服务中心建成率", "Compounds with a party-service centre", "个小区",
		func(t Tally) (int, int) { return t.CompoundsCenter, t.Compounds },
		func(t Tally) int { return t.UnknownCompoundCenter }},
}

// Definition returns the built-in definition for key.
func Definition(key string) (IndicatorDef, bool) {
	for _, d := range defs {
		if d.Key == key {
			return d, true
		}
	}
	return IndicatorDef{}, false
}
