package pdf_test

import (
	"fmt"
	"jindu/internal/testdata/testutil"
	"jindu/pdf"
	"strings"
	"testing"
	"time"
)

// minimalPDF is a one-page PDF with a classic cross-reference table and an
// Info dictionary, as Chromium writes them.
func minimalPDF() []byte {
	objs := []string{
		"<</Creator (HeadlessChrome) /Producer (Skia/PDF m156)>>",
		"<</Type /Catalog /Pages 3 0 R>>",
		"<</Type /Pages /Kids [4 0 R] /Count 1>>",
		"<</Type /Page /Parent 3 0 R /MediaBox [0 0 595 842]>>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n%d\n%%%%EOF", len(objs)+1, xref)
	return []byte(b.String())
}

// TestSetInfo: the appended update replaces what pdfinfo shows and keeps
// the document readable; a file without a trailer is refused.
func TestSetInfo(t *testing.T) {
	doc := minimalPDF()
	if info := testutil.Poppler(t, doc, "pdfinfo", "PDF"); !strings.Contains(info, "HeadlessChrome") {
		t.Fatalf("the test document is not what Chromium writes:\n%s", info)
	}
	at := time.Date(2026, 12, 2, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))
	out, err := pdf.SetInfo(doc, pdf.Info{Title: "魏都区2024年进度报告 (a) \\ b", Author: "Jindu", Creator: "Jindu", Producer: "Jindu", Created: at})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), string(doc)) {
		t.Error("the original bytes were changed")
	}
	info := testutil.Poppler(t, out, "pdfinfo", "-isodates", "PDF")
	for _, want := range []string{"Title:           魏都区2024年进度报告 (a) \\ b", "Author:          Jindu", "Creator:         Jindu",
		"CreationDate:    2026-12-02T08:30:00+08", "Pages:           1"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if strings.Contains(info, "HeadlessChrome") {
		t.Errorf("the old creator is still shown:\n%s", info)
	}
	if _, err := pdf.SetInfo([]byte("%PDF-1.7\nno trailer"), pdf.Info{Title: "x"}); err == nil {
		t.Error("a PDF without a trailer was updated")
	}
}
