package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*"))
	books, _ := filepath.Glob(filepath.Join("testdata", "workbooks", "*.*s*")) // .xlsx, .xls, .ods
	paths = append(paths, books...)
	for _, p := range paths {
		if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".txt") && strings.Contains(p, ".rows.") {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(filepath.Base(p), data)
		}
	}
	f.Add("a.csv", []byte("年份,街道,社区,小区,星级\n2023,\"a\"\"b\",c,\"d\ne\",★★\n"))
	f.Add("a.csv", []byte("\xff\xfe\x00\x00"))
	f.Add("a", []byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		var rows int
		lines := max(bytes.Count(data, []byte{'\n'}), bytes.Count(data, []byte{'\r'})) + 1
		rep, err := Parse(context.Background(), name, bytes.NewReader(data), Options{MaxRows: 1000}, func(r Row) error {
			rows++
			if r.Line < 2 || (!bytes.HasPrefix(data, zipMagic) && !bytes.HasPrefix(data, oleMagic) && r.Line > lines) {
				t.Errorf("row line %d outside 2..%d", r.Line, lines)
			}
			if !r.Record.Unit.Level().Valid() || r.Record.Unit.Street == "" {
				t.Errorf("invalid record emitted: %+v", r.Record)
			}
			if s := r.Record.Status.Stars; s != nil && (*s < 0 || *s > 5) {
				t.Errorf("stars %d emitted", *s)
			}
			return nil
		})
		if err != nil && rep.Format != "" {
			t.Errorf("error %v with format %q", err, rep.Format)
		}
		if rows != rep.Rows {
			t.Errorf("emitted %d rows, report says %d", rows, rep.Rows)
		}
		checkReport(t, rep, data)
		for _, ps := range [][]Problem{rep.Errors, rep.Warnings} {
			if len(ps) > MaxStoredProblems+1 {
				t.Errorf("%d problems stored", len(ps))
			}
			for _, p := range ps {
				if p.File != name {
					t.Errorf("problem file %q", p.File)
				}
			}
		}
	})
}

// genCSV streams a generated ledger of n compound rows without holding it
// in memory.
func genCSV(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 64<<10)
		fmt.Fprint(bw, "年份,街道,社区,社区类型,小区,五好,星级,党群服务中心,小区党支部,业委会,物业服务\r\n")
		for i := range n {
			fmt.Fprintf(bw, "2023,街道%d,社区%d,,小区%d,,%d,是,是,否,是\r\n", i%13, i%400, i, i%6)
		}
		bw.Flush()
		pw.Close()
	}()
	return pr
}

// genVariedCSV is genCSV written as clerks write it: 有/无, √/×, 已建/未建,
// ★★★☆☆ and 三星级, 街道办事处, 2023年, long headers.
func genVariedCSV(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 64<<10)
		fmt.Fprint(bw, "年份,街道名称,社区名称,社区类型,小区名称,是否五好,星级（颗）,是否建成党群服务中心,是否建立小区党支部,是否成立业委会,是否引进物业服务\r\n")
		yes, no := []string{"有", "√", "已建", "是"}, []string{"无", "×", "未建", "否"}
		stars := []string{"☆☆☆☆☆", "一星级", "★★☆☆☆", "3", "四星级", "★★★★★"}
		for i := range n {
			fmt.Fprintf(bw, "2023年,街道%d办事处,社区%d,,小区%d,,%s,%s,%s,%s,%s\r\n", i%13, i%400, i, stars[i%6], yes[i%4], yes[(i+1)%4], no[i%4], yes[(i+2)%4])
		}
		bw.Flush()
		pw.Close()
	}()
	return pr
}

func BenchmarkParseVaried(b *testing.B) {
	const n = 100_000
	var buf bytes.Buffer
	io.Copy(&buf, genVariedCSV(n))
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := Parse(context.Background(), "bench.csv", bytes.NewReader(data), Options{}, func(Row) error { return nil })
		if err != nil || rep.Rows != n {
			b.Fatalf("%v: %d rows, errors %v", err, rep.Rows, codes(rep.Errors))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkParse(b *testing.B) {
	const n = 100_000
	var buf bytes.Buffer
	io.Copy(&buf, genCSV(n))
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := Parse(context.Background(), "bench.csv", bytes.NewReader(data), Options{}, func(Row) error { return nil })
		if err != nil || rep.Rows != n {
			b.Fatalf("%v: %d rows, errors %v", err, rep.Rows, codes(rep.Errors))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestLargeFileMemory parses a generated 1,000,000-row file and checks the
// heap stays bounded. It takes a few seconds; set INGEST_LARGE=1 to run it.
func TestLargeFileMemory(t *testing.T) {
	if os.Getenv("INGEST_LARGE") == "" {
		t.Skip("set INGEST_LARGE=1 to parse a 1,000,000-row file")
	}
	const n = 1_000_000
	var peak uint64
	var ms runtime.MemStats
	rep, err := Parse(context.Background(), "big.csv", genCSV(n), Options{}, func(r Row) error {
		if r.Line%50_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil || rep.Rows != n || len(rep.Errors) != 0 {
		t.Fatalf("%v: %d rows, errors %v", err, rep.Rows, codes(rep.Errors))
	}
	runtime.ReadMemStats(&ms)
	t.Logf("peak heap in use %d MiB, total allocated %d MiB", peak>>20, ms.TotalAlloc>>20)
	if peak > 150<<20 {
		t.Errorf("heap in use reached %d MiB", peak>>20)
	}
}
