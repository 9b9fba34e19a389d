package web

import (
	"jindu/db"
	"jindu/metrics"
	"jindu/web/components"
	"jindu/web/i18n"
)

// unitSections lists a street's communities (unless community is set) and
// its compounds (only that community's when set), with each value in year
// and its change since the year before. unmetOnly (?unmet=1) ticks the
// tables' "只看未达标" switch from the start.
func (s *Server) unitSections(l i18n.Lang, st db.Unit, units []db.UnitHistory, community string, year int, unmetOnly bool) []components.Section {
	byID := map[int64]db.UnitHistory{}
	for _, u := range units {
		byID[u.ID] = u
	}
	prevYear := year - 1
	var out []components.Section
	if community == "" {
		t := components.SortTable{ID: "communities", Caption: l.F("communities.caption", st.Name, l.F("year.fmt", year)),
			Filter: true, FilterLabel: l.T("filter"), Empty: l.T("communities.none"),
			Cols: []components.Col{{Label: l.T("community")}, {Label: l.T("community.type")}, {Label: l.T("fivegood")},
				{Label: l.F("change.since", prevYear)}, {Label: l.T("center")}, {Label: l.T("compounds"), Num: true},
				{Label: l.T("fivestar.compounds"), Num: true}, {Label: l.T("percent"), Num: true}}}
		// Each community's compounds, counted by the domain's own rule.
		counts := map[int64]metrics.Tally{}
		for _, u := range units {
			if u.Level != metrics.LevelCompound {
				continue
			}
			if st, ok := u.Status[year]; ok {
				t := counts[u.ParentID]
				t.Count(u.Level, st)
				counts[u.ParentID] = t
			}
		}
		for _, u := range units {
			if u.Level != metrics.LevelCommunity {
				continue
			}
			cur, ok := u.Status[year]
			if !ok {
				continue
			}
			prev, hadPrev := u.Status[prevYear]
			a := counts[u.ID]
			share, _, _ := metrics.Evaluate(a.CompoundsFiveStar, a.Compounds, nil)
			typ := l.T("value.unknown")
			switch u.CommunityType {
			case metrics.CommunityUrban:
				typ = l.T("community.urban")
			case metrics.CommunityRural:
				typ = l.T("community.rural")
			}
			t.Rows = append(t.Rows, []components.TCell{
				{Text: u.Name, Sort: u.Name, URL: href(l, communityPath(st.Name, u.Name), "year", itoa(year))},
				textCell(typ), boolCell(l, cur.FiveGood), ratingChange(l, prev.FiveGood, cur.FiveGood, hadPrev),
				boolCell(l, cur.ServiceCenter), intCell(a.Compounds), numCell(frac(a.CompoundsFiveStar, a.Compounds), float64(a.CompoundsFiveStar)), pctCell(share),
			})
			t.Unmet = append(t.Unmet, cur.FiveGood == nil || !*cur.FiveGood)
		}
		unmetSwitch(l, &t, unmetOnly)
		out = append(out, components.Section{ID: "communitiessec", Heading: l.T("communities.heading"), Tables: []components.SortTable{t}})
	}
	t := components.SortTable{ID: "compounds", Caption: l.F("compounds.caption", st.Name, l.F("year.fmt", year)),
		Filter: true, FilterLabel: l.T("filter"), Empty: l.T("compounds.none"),
		Cols: []components.Col{{Label: l.T("community")}, {Label: l.T("compound")}, {Label: l.T("stars"), Num: true},
			{Label: l.F("change.since", prevYear), Num: true}, {Label: l.T("fivestar")}}}
	for i := range metrics.StarNames {
		t.Cols = append(t.Cols, components.Col{Label: l.T("star." + itoa(i))})
	}
	t.Cols = append(t.Cols, components.Col{Label: l.T("branch")}, components.Col{Label: l.T("committee")},
		components.Col{Label: l.T("property")}, components.Col{Label: l.T("center")})
	for _, u := range units {
		if u.Level != metrics.LevelCompound {
			continue
		}
		parent := byID[u.ParentID]
		if community != "" && parent.Name != community {
			continue
		}
		cur, ok := u.Status[year]
		if !ok {
			continue
		}
		prev, hadPrev := u.Status[prevYear]
		stars := components.TCell{Text: starsText(l, cur.Stars), Sort: "-1", Num: true}
		if cur.Stars != nil {
			stars.Sort = itoa(*cur.Stars)
		}
		row := []components.TCell{
			{Text: parent.Name, Sort: parent.Name, URL: href(l, communityPath(st.Name, parent.Name), "year", itoa(year))},
			nameCell(u.Name), stars, starsChange(prev.Stars, cur.Stars, hadPrev), boolCell(l, metrics.FiveStar(cur.Stars)),
		}
		for i := range cur.StarFlags {
			row = append(row, boolCell(l, cur.StarFlags[i]))
		}
		row = append(row, boolCell(l, cur.PartyBranch), boolCell(l, cur.OwnersCommittee), boolCell(l, cur.PropertyService), boolCell(l, cur.ServiceCenter))
		t.Rows = append(t.Rows, row)
		five := metrics.FiveStar(cur.Stars)
		t.Unmet = append(t.Unmet, five == nil || !*five)
	}
	unmetSwitch(l, &t, unmetOnly)
	out = append(out, components.Section{ID: "compoundssec", Heading: l.T("compounds.heading"), Tables: []components.SortTable{t},
		Notes: []string{l.T("compounds.note")}})
	return out
}

// nameCell is a unit's name: it never breaks inside.
func nameCell(s string) components.TCell {
	c := textCell(s)
	c.Class = "name"
	return c
}

// unmetSwitch offers the "只看未达标" switch on a table whose rows have
// their Unmet marks, when some rows are met and some are not.
func unmetSwitch(l i18n.Lang, t *components.SortTable, on bool) {
	n := 0
	for _, u := range t.Unmet {
		if u {
			n++
		}
	}
	if n == 0 || n == len(t.Unmet) {
		return
	}
	t.UnmetLabel, t.UnmetOnly = l.F("table.unmet", n), on
}
