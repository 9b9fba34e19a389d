package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jindu/demo"
	"jindu/ingest"
	"jindu/metrics"
)

// runGen writes realistic ledger files for benchmarks and trials: one file
// per year, as UTF-8 CSV, GBK CSV and (at district scale) .xlsx.
func runGen(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("gen", stderr)
	scaleName := fs.String("scale", "district", "district (13/100/1,000), city (100/1,000/10,000) or province (2,500/50,000/1,000,000)")
	yearsFlag := fs.String("years", "2021-2024", "years to write, e.g. 2021-2024 or 2023")
	seed := fs.Int64("seed", 2021, "random seed; the same seed gives the same files")
	out := fs.String("out", "", "output directory `DIR`, created if need be (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	scale, ok := demo.ScaleByName(*scaleName)
	if !ok || *out == "" {
		fmt.Fprintln(stderr, "usage: jindu gen --scale district|city|province [--years 2021-2024] [--seed N] --out DIR")
		return errUsage
	}
	years, err := parseYears(*yearsFlag)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	g := &genFiles{dir: *out, scale: scale.Name, xlsx: scale.Compounds <= 2000}
	err = demo.Generate(scale, *seed, years, func(r metrics.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return g.write(r)
	})
	if cerr := g.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, f := range g.written {
		fmt.Fprintln(stdout, f)
	}
	return nil
}

func parseYears(s string) ([]int, error) {
	from, to, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(from))
	b := a
	if err == nil && isRange {
		b, err = strconv.Atoi(strings.TrimSpace(to))
	}
	if err != nil || a < 2000 || b > 2100 || b < a {
		return nil, fmt.Errorf("--years %q: want YEAR or FROM-TO within 2000–2100", s)
	}
	var ys []int
	for y := a; y <= b; y++ {
		ys = append(ys, y)
	}
	return ys, nil
}

// genFiles writes the current year's files.
type genFiles struct {
	dir, scale string
	xlsx       bool
	year       int
	files      []*os.File
	bufs       []*bufio.Writer
	writers    []*ingest.LedgerWriter
	records    []metrics.Record // for the .xlsx, district scale only
	written    []string
}

func (g *genFiles) write(r metrics.Record) error {
	if r.Year != g.year {
		if err := g.close(); err != nil {
			return err
		}
		if err := g.open(r.Year); err != nil {
			return err
		}
	}
	for _, w := range g.writers {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	if g.xlsx {
		g.records = append(g.records, r)
	}
	return nil
}

func (g *genFiles) open(year int) error {
	g.year = year
	base := filepath.Join(g.dir, fmt.Sprintf("%s-%d", g.scale, year))
	for _, v := range []struct {
		suffix string
		gbk    bool
	}{{"-utf8.csv", false}, {"-gbk.csv", true}} {
		f, err := os.Create(base + v.suffix)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		var w io.Writer = bw
		if v.gbk {
			w = simplifiedchinese.GB18030.NewEncoder().Writer(bw)
		} else {
			bw.WriteString("\uFEFF") // Excel opens UTF-8 only with a BOM
		}
		g.files, g.bufs = append(g.files, f), append(g.bufs, bw)
		g.writers = append(g.writers, ingest.NewLedgerWriter(w))
		g.written = append(g.written, f.Name())
	}
	return nil
}

func (g *genFiles) close() error {
	for i, f := range g.files {
		if err := g.writers[i].Flush(); err != nil {
			return err
		}
		if err := g.bufs[i].Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if g.xlsx && len(g.records) > 0 {
		var buf bytes.Buffer
		if err := ingest.WriteTemplateXLSX(&buf, g.records); err != nil {
			return err
		}
		name := filepath.Join(g.dir, fmt.Sprintf("%s-%d.xlsx", g.scale, g.year))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			return err
		}
		g.written = append(g.written, name)
	}
	g.files, g.bufs, g.writers, g.records = nil, nil, nil, nil
	return nil
}
