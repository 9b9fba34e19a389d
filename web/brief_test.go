package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"jindu/auth"
	"jindu/db"
	"jindu/internal/testdata/testutil"
	"jindu/metrics"
	"jindu/pdf"
)

// flat is text without any white space, so that a sentence the PDF wraps
// over lines still matches.
func flat(s string) string { return strings.Join(strings.Fields(s), "") }

// TestBriefPage: the brief of a year shows the dashboard's verdict, every
// indicator, the streets behind on each rating target with their gaps, the
// stamp, and links to the report and the snapshots; a street's brief lists
// its communities.
func TestBriefPage(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, db.KindImport, smallDistrict())

	d := ts.getDoc(t, "/brief?year=2023&lang=zh", http.StatusOK)
	dash := ts.getDoc(t, "/?year=2023&lang=zh", http.StatusOK)
	want := strings.TrimSpace(dash.Find(`[data-testid="verdict"]`).Text())
	if want == "" {
		t.Fatal("the dashboard shows no verdict")
	}
	if got := d.Find(`[data-testid="brief-verdict"]`).Text(); !strings.Contains(got, want) {
		t.Errorf("brief verdict %q lacks the dashboard's %q", got, want)
	}
	if n := d.Find(`[data-testid="brief-headline"] tbody tr`).Length(); n != 8 {
		t.Errorf("headline table has %d rows, want 8", n)
	}
	first := d.Find(`[data-testid="brief-headline"] tbody tr`).First().Text()
	for _, w := range []string{"46.2%", "6/13", "40%", "达标"} {
		if !strings.Contains(first, w) {
			t.Errorf("first headline row %q lacks %q", first, w)
		}
	}
	if strings.Contains(first, "目标") {
		t.Errorf("the target cell repeats 目标: %q", first)
	}
	// 2023: 五星小区 2/10 = 20% of 40%: the district misses it, and 街道01
	// (the only street with compounds) needs 2 more.
	var fiveStar *goquery.Selection
	d.Find(`[data-testid="brief-gap"]`).Each(func(_ int, g *goquery.Selection) {
		if strings.Contains(g.Find("h3").Text(), "“五星”小区") {
			fiveStar = g
		}
	})
	if fiveStar == nil {
		t.Fatal("no 五星小区 gap")
	}
	row := fiveStar.Find(`[data-testid="brief-lagging"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "街道01") || !strings.Contains(row.Text(), "20.0%") ||
		strings.TrimSpace(row.Find("td").Last().Text()) != "2" {
		t.Errorf("五星小区 lagging rows %q", row.Text())
	}
	if n := d.Find(`[data-testid="brief-gap"]`).Length(); n != 3 {
		t.Errorf("%d rating gaps, want 3", n)
	}
	stamp := d.Find(`[data-testid="brief-stamp"]`).Text()
	for _, w := range []string{"数据截至", "数据版本", "生成于"} {
		if !strings.Contains(stamp, w) {
			t.Errorf("stamp %q lacks %q", stamp, w)
		}
	}
	if html, _ := d.Html(); strings.Contains(stamp, "生成人") || strings.Contains(html, "匿名") {
		t.Errorf("an anonymous reader is named: %q", stamp)
	}
	if !strings.Contains(d.Find(`[data-testid="brief-changes"]`).Text(), "尚无封存快照") {
		t.Errorf("changes %q", d.Find(`[data-testid="brief-changes"]`).Text())
	}
	for _, id := range []string{"report-link", "snapshots-link"} {
		if d.Find(`[data-testid="`+id+`"]`).Length() != 1 {
			t.Errorf("no %s", id)
		}
	}
	if d.Find(`[data-testid="brief-freeze"]`).Length() != 0 {
		t.Error("an anonymous reader may freeze")
	}
	// Linked from the dashboard and from the report.
	if h, _ := dash.Find(`[data-testid="brief-link"]`).Attr("href"); !strings.HasPrefix(h, "/brief?") || !strings.Contains(h, "year=2023") {
		t.Errorf("dashboard's brief link %q", h)
	}
	// (The report's charts share one data table, so not getDoc's check of
	// a table per chart.)
	_, repBody := ts.get(t, "/report?year=2023")
	rep := doc(t, repBody)
	if h, _ := rep.Find(`[data-testid="brief-link"]`).Attr("href"); !strings.HasPrefix(h, "/brief?") {
		t.Errorf("report's brief link %q", h)
	}
	if h, _ := rep.Find(`[data-testid="snapshots-link"]`).Attr("href"); !strings.HasPrefix(h, "/snapshots") {
		t.Errorf("report's snapshots link %q", h)
	}

	// A street's brief: its communities behind, in its words.
	sd := ts.getDoc(t, "/brief?year=2023&street="+url.QueryEscape("街道01"), http.StatusOK)
	if v := sd.Find(`[data-testid="brief-verdict"]`).Text(); !strings.Contains(v, "本街道") || !strings.Contains(v, "社区未达标") {
		t.Errorf("street verdict %q", v)
	}
	rows := sd.Find(`[data-testid="brief-lagging"]`)
	// 社区1 1/5 and 社区2 0/5 five-star (40% needs 2 each).
	if rows.Length() != 2 || !strings.Contains(rows.Text(), "社区1") || !strings.Contains(rows.Text(), "社区2") {
		t.Errorf("street lagging rows %q", rows.Text())
	}
	if h := sd.Find(`[data-testid="brief-gap"] thead th`).First().Text(); h != "社区" {
		t.Errorf("street gap heading %q", h)
	}

	for path, status := range map[string]int{"/brief?year=abc": 400, "/brief?year=2019": 404,
		"/brief?year=2023&street=" + url.QueryEscape("没有"): 404, "/brief?year=2023&lang=en": 200} {
		if resp, _ := ts.get(t, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
		}
	}
	if d.Find(`[data-testid="brief-nogaps"]`).Length() != 0 {
		t.Error("2023 has rating targets, yet the brief says none")
	}
	// The baseline year has no targets: the brief says so.
	ts.apply(t, db.KindImport, []metrics.Record{{Year: 2021, Unit: metrics.UnitRef{Street: "街道01"}, Status: metrics.Status{FiveGood: metrics.Bool(false)}}})
	bd := ts.getDoc(t, "/brief?year=2021&lang=zh", http.StatusOK)
	if bd.Find(`[data-testid="brief-nogaps"]`).Length() != 1 || bd.Find(`[data-testid="brief-gap"]`).Length() != 0 {
		t.Error("the baseline year's brief does not say it has no rating target")
	}
}

// TestBriefPDF: the demo's brief is exactly one A4 page, for the district
// and for a street, in Chinese and in English, and its text holds the
// verdict and every street (or community) behind.
func TestBriefPDF(t *testing.T) {
	ts := pdfServer(t, pdf.Config{})
	loadDemo(t, ts)
	// The fullest brief: a snapshot of each scope from which every
	// indicator has changed, so that the brief lists eight changes too.
	for _, street := range []string{"", "北大街道"} {
		var figs struct {
			Program     string           `json:"program"`
			DataVersion string           `json:"data_version"`
			Year        int              `json:"year"`
			Street      string           `json:"street"`
			Rows        []map[string]any `json:"rows"`
		}
		ts.getJSON(t, "/api/metrics?year=2024&street="+url.QueryEscape(street), &figs)
		for _, r := range figs.Rows {
			r["percent"] = 1.5
		}
		figs.Year, figs.Street = 2024, street
		body, err := json.Marshal(figs)
		if err != nil || len(figs.Rows) != 8 {
			t.Fatalf("figures %s: %v", body, err)
		}
		if _, err := ts.DB.AddSnapshot(context.Background(), db.Snapshot{Actor: "admin", Year: 2024, Street: street,
			DataVersion: "old", Figures: body, PDF: []byte("%PDF-1.7")}, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, street := range []string{"", "北大街道"} {
		for _, l := range []string{"zh", "en"} {
			q := "year=2024&lang=" + l
			if street != "" {
				q += "&street=" + url.QueryEscape(street)
			}
			resp, body := ts.get(t, "/brief.pdf?"+q)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %d %s\n%.300s", q, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if n := pdfPages(t, body); n != 1 {
				t.Errorf("%s: %d pages, want 1", q, n)
			}
			if cd := resp.Header.Get("Content-Disposition"); street == "" && l == "zh" && !strings.Contains(cd, url.PathEscape("一页纸简报-2024-魏都区.pdf")) {
				t.Errorf("Content-Disposition %q", cd)
			}
			if dir := os.Getenv("JINDU_BRIEF_PDF_DIR"); dir != "" { // for looking at them
				os.WriteFile(filepath.Join(dir, "brief-"+l+map[bool]string{true: "-street", false: ""}[street != ""]+".pdf"), body, 0o644)
			}
			if info := testutil.Poppler(t, body, "pdfinfo", "PDF"); !strings.Contains(info, "A4") {
				t.Errorf("%s: not A4:\n%s", q, info)
			}
			text := flat(testutil.Poppler(t, body, "pdftotext", "PDF", "-"))
			d := ts.getDoc(t, "/brief?"+q, http.StatusOK)
			verdict := flat(d.Find(`[data-testid="brief-verdict"]`).Text())
			if !strings.Contains(text, verdict) {
				t.Errorf("%s: the PDF lacks the verdict %q", q, verdict)
			}
			lagging := d.Find(`[data-testid="brief-lagging"] th`)
			if lagging.Length() == 0 {
				t.Errorf("%s: nobody is behind in the demo?", q)
			}
			lagging.Each(func(_ int, s *goquery.Selection) {
				if name := flat(s.Text()); !strings.Contains(text, name) {
					t.Errorf("%s: the PDF lacks %q, who is behind", q, name)
				}
			})
			if n := d.Find(`[data-testid="brief-change"]`).Length(); n != 8 {
				t.Errorf("%s: %d changes listed, want all 8", q, n)
			}
			if strings.Contains(text, "匿名") || strings.Contains(text, "anonymous") {
				t.Errorf("%s: the PDF names an anonymous reader", q)
			}
		}
	}
}

// TestBriefFreeze: the brief's 封存并下载 freezes the brief as a snapshot
// and answers with its PDF; the brief then compares with that snapshot.
func TestBriefFreeze(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "viewer", Role: auth.Viewer})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)

	_, page := getBody(t, admin, ts.URL+"/brief?year=2023&lang=zh")
	form := doc(t, page).Find(`form[data-testid="brief-freeze"]`)
	if form.Length() != 1 || form.AttrOr("action", "") != "/snapshots" || form.AttrOr("method", "") != "post" {
		t.Fatalf("no 封存并下载 form for an administrator")
	}
	if b := form.Find("button").Text(); b != "封存并下载" {
		t.Errorf("button %q", b)
	}
	fields := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) { fields.Set(in.AttrOr("name", ""), in.AttrOr("value", "")) })
	resp := do(t, admin, "POST", ts.URL+"/snapshots", fields)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/snapshots/1/pdf") {
		t.Fatalf("freeze: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Following the answer downloads the frozen brief.
	got, body := getBody(t, admin, ts.URL+resp.Header.Get("Location"))
	if got.StatusCode != 200 || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("download: %d", got.StatusCode)
	}
	if cd := got.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if n := pdfPages(t, body); n != 1 {
		t.Errorf("frozen brief: %d pages", n)
	}
	if text := flat(testutil.Poppler(t, body, "pdftotext", "PDF", "-")); !strings.Contains(text, "魏都区2023年一页纸简报") || !strings.Contains(text, "admin") {
		t.Errorf("frozen brief text lacks the title or the user")
	}
	snaps, err := ts.DB.Snapshots(context.Background())
	if err != nil || len(snaps) != 1 || snaps[0].Year != 2023 || snaps[0].Street != "" || snaps[0].Actor != "admin" || snaps[0].Note != "一页纸简报" {
		t.Fatalf("snapshots %+v %v", snaps, err)
	}
	_, figures := getBody(t, admin, ts.URL+"/snapshots/1/figures.json")
	var fig struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(figures, &fig); err != nil || fig.Kind != "brief" {
		t.Errorf("figures kind %q %v", fig.Kind, err)
	}
	_, sp := getBody(t, admin, ts.URL+"/snapshots/1?lang=zh")
	if h := doc(t, sp).Find("h1").Text(); !strings.Contains(h, "一页纸简报") {
		t.Errorf("snapshot heading %q", h)
	}

	// The brief now compares with snapshot 1: nothing changed, then two
	// more five-star compounds.
	_, page = getBody(t, admin, ts.URL+"/brief?year=2023&lang=zh")
	ch := doc(t, page).Find(`[data-testid="brief-changes"]`)
	if !strings.Contains(ch.Text(), "自快照 #1") || !strings.Contains(ch.Text(), "各项指标均无变化") {
		t.Errorf("changes before new data %q", ch.Text())
	}
	ts.apply(t, db.KindImport, []metrics.Record{
		{Year: 2023, Unit: metrics.UnitRef{Street: "街道01", Community: "社区1", Compound: "小区1-4"}, Status: metrics.Status{Stars: metrics.Int(5), PartyBranch: metrics.Bool(true), OwnersCommittee: metrics.Bool(true)}},
		{Year: 2023, Unit: metrics.UnitRef{Street: "街道01", Community: "社区2", Compound: "小区2-4"}, Status: metrics.Status{Stars: metrics.Int(5), PartyBranch: metrics.Bool(true), OwnersCommittee: metrics.Bool(true)}},
	})
	_, page = getBody(t, admin, ts.URL+"/brief?year=2023&lang=zh")
	ch = doc(t, page).Find(`[data-testid="brief-changes"]`)
	cell := ch.Find(`[data-testid="brief-change"] [data-testid="change"]`)
	if cell.Length() != 1 || cell.Text() != "+20.0 个百分点" || !cell.HasClass("up") || !strings.Contains(ch.Text(), "“五星”小区占比") {
		t.Errorf("changes after new data %q", ch.Text())
	}

	// A viewer sees no form and may not freeze.
	viewer := ts.client(t)
	ts.login(t, viewer, "viewer", testPassword)
	_, page = getBody(t, viewer, ts.URL+"/brief?year=2023")
	if doc(t, page).Find(`[data-testid="brief-freeze"]`).Length() != 0 {
		t.Error("a viewer has the freeze form")
	}
	if resp := do(t, viewer, "POST", ts.URL+"/snapshots", fields); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer freezes: %d", resp.StatusCode)
	}
}
