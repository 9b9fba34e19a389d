package ingest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// BenchmarkParseXLSX parses a 20,000-row .xlsx ledger (excelize-built,
// shared strings): the workbook path, beside BenchmarkParse's CSV.
func BenchmarkParseXLSX(b *testing.B) {
	const n = 20_000
	rows := [][]any{{"年份", "街道", "社区", "小区", "星级", "小区党支部", "业委会", "物业服务", "党群服务中心"}}
	for i := range n {
		rows = append(rows, []any{2024, fmt.Sprintf("街道%d", i/2000), fmt.Sprintf("社区%d", i/40), fmt.Sprintf("小区%d", i), i % 6, "是", "否", "是", "否"})
	}
	t := &testing.T{}
	data := buildWorkbook(t, sheetSpec{name: "台账", rows: rows})
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := Parse(context.Background(), "bench.xlsx", bytes.NewReader(data), Options{}, func(Row) error { return nil })
		if err != nil || rep.Rows != n {
			b.Fatalf("%v: %d rows, errors %v", err, rep.Rows, codes(rep.Errors))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
