package main

import (
	"context"
	"fmt"
	"log/slog"

	"jindu/db"
	"jindu/demo"
	"jindu/metrics"
)

// demoSeed fixes the demo district, so every newcomer sees the same one.
const demoSeed = 2021

// seedDemo fills an empty database with the demo district. It never touches
// a database that holds other data, and loads the demo only once.
func seedDemo(ctx context.Context, d *db.DB, logger *slog.Logger) error {
	info, err := d.Info(ctx)
	if err != nil {
		return err
	}
	switch {
	case info.Demo:
		logger.Info("demo data already loaded")
		return nil
	case info.Units > 0:
		logger.Warn("--demo ignored: the database already holds real data, which demo data must never mix with", "units", info.Units)
		return nil
	}
	b, err := d.Apply(ctx, db.BatchInput{Kind: db.KindDemo, Actor: "demo", Source: "demo", Note: "示例数据 / demo data"},
		func(put func(metrics.Record) error) error {
			return demo.Generate(demo.District, demoSeed, demo.Years, put)
		})
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	logger.Info("demo data loaded", "records", b.Rows, "units", b.NewUnits)
	return nil
}
