package db_test

import (
	"context"
	"errors"
	"testing"

	"jindu/db"
	"jindu/metrics"
)

func TestStreetUnits(t *testing.T) {
	d := MustOpen(t)
	ctx := context.Background()
	yes := metrics.Bool(true)
	_, err := d.Apply(ctx, db.BatchInput{Kind: db.KindImport, Actor: "t"}, records(
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "甲"}, Status: metrics.Status{FiveGood: yes}},
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "甲", Community: "东", CommunityType: metrics.CommunityRural}, Status: metrics.Status{FiveGood: yes}},
		metrics.Record{Year: 2022, Unit: metrics.UnitRef{Street: "甲", Community: "东", Compound: "一"}, Status: metrics.Status{Stars: metrics.Int(2)}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "甲", Community: "东", Compound: "一"},
			Status: metrics.Status{Stars: metrics.Int(5), StarFlags: [5]*bool{yes, yes, yes, yes, yes}}},
		metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "乙", Community: "西", Compound: "二"}, Status: metrics.Status{Stars: metrics.Int(1)}},
	))
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.StreetByName(ctx, "甲")
	if err != nil {
		t.Fatal(err)
	}
	us, err := d.StreetUnits(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 3 || us[0].Level != metrics.LevelStreet || us[1].Level != metrics.LevelCommunity || us[2].Level != metrics.LevelCompound {
		t.Fatalf("units = %+v", us)
	}
	if us[1].CommunityType != metrics.CommunityRural || us[2].ParentID != us[1].ID || len(us[2].Status) != 2 {
		t.Errorf("community/compound = %+v %+v", us[1], us[2])
	}
	if s := us[2].Status[2023]; *s.Stars != 5 || s.StarFlags[4] == nil || us[0].Status[2023].FiveGood != nil {
		t.Errorf("statuses = %+v", us[2].Status)
	}
	if _, ok := us[0].Status[2023]; ok {
		t.Error("a year without a status must be absent")
	}
	if _, err := d.StreetUnits(ctx, 999); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("unknown street: %v", err)
	}
}
