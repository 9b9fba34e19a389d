package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"jindu/internal/testdata/testutil"
	"log/slog"

	"github.com/PuerkitoBio/goquery"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/pdf"
)

func getBody(t *testing.T, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestSnapshotFrozen: an administrator freezes 2023; new data arrive for
// 2023; the snapshot's PDF and figures are byte for byte the same, and its
// page shows what changed since.
func TestSnapshotFrozen(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "viewer", Role: auth.Viewer})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)

	resp := do(t, admin, "POST", ts.URL+"/snapshots", url.Values{"year": {"2023"}, "note": {"12月常委会"}, "lang": {"zh"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/snapshots/1") {
		t.Fatalf("freeze: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, pdf := getBody(t, admin, ts.URL+"/snapshots/1/pdf")
	_, figures := getBody(t, admin, ts.URL+"/snapshots/1/figures.json")
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("snapshot PDF: %q", pdf[:min(len(pdf), 64)])
	}
	var fig struct {
		DataVersion string `json:"data_version"`
		Year        int    `json:"year"`
		Rows        []struct {
			Indicator string   `json:"indicator"`
			Percent   *float64 `json:"percent"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(figures, &fig); err != nil || fig.Year != 2023 || len(fig.Rows) != 8 {
		t.Fatalf("figures %s: %v", figures, err)
	}
	flat := strings.Join(strings.Fields(testutil.Poppler(t, pdf, "pdftotext", "PDF", "-")), "")
	if !strings.Contains(flat, "魏都区2023年进度报告") || !strings.Contains(flat, "admin") || !strings.Contains(flat, fig.DataVersion) {
		t.Errorf("snapshot PDF text lacks the title, the user or the data version %s", fig.DataVersion)
	}
	entries, err := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditSnapshot})
	if err != nil || len(entries) != 1 || entries[0].Actor != "admin" {
		t.Errorf("audit: %+v %v", entries, err)
	}

	// New data for 2023: two more five-star compounds in 街道01.
	var more []metrics.Record
	for c := range 2 {
		more = append(more, metrics.Record{Year: 2023, Unit: metrics.UnitRef{Street: "街道01", Community: fmt.Sprintf("社区%d", c+1),
			Compound: fmt.Sprintf("小区%d-4", c+1)}, Status: metrics.Status{Stars: metrics.Int(5), PartyBranch: metrics.Bool(true), OwnersCommittee: metrics.Bool(true)}})
	}
	ts.apply(t, db.KindImport, more)

	viewer := ts.client(t)
	ts.login(t, viewer, "viewer", testPassword)
	resp2, pdf2 := getBody(t, viewer, ts.URL+"/snapshots/1/pdf")
	_, figures2 := getBody(t, viewer, ts.URL+"/snapshots/1/figures.json")
	if resp2.StatusCode != 200 || !bytes.Equal(pdf, pdf2) || !bytes.Equal(figures, figures2) {
		t.Error("the snapshot changed after new data")
	}
	if cd := resp2.Header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("进度报告-2023-魏都区.pdf")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	_, page := getBody(t, viewer, ts.URL+"/snapshots/1?lang=zh")
	d := doc(t, page)
	since := d.Find(`[data-testid="since"]`).Text()
	// 五星小区 went from 2/10 (20.0%) to 4/10 (40.0%): said once, above
	// the table, whose change column is coloured.
	if since != "自本快照以来，1 项指标有变化：" {
		t.Errorf("comparison %q", since)
	}
	if n := strings.Count(string(page), "自本快照以来"); n != 1 {
		t.Errorf("the page says 自本快照以来 %d times, want once", n)
	}
	var up []string
	d.Find(`[data-testid="changes"] td[data-testid="change"]`).Each(func(_ int, c *goquery.Selection) {
		if c.HasClass("up") {
			up = append(up, c.Parent().Find("td").First().Text()+" "+c.Text())
		} else if !c.HasClass("same") {
			t.Errorf("change %q has class %q", c.Text(), c.AttrOr("class", ""))
		}
	})
	if len(up) != 1 || up[0] != "“五星”小区占比 +20.0 个百分点" {
		t.Errorf("changes up %q", up)
	}
	// The hash and the JSON are behind 技术信息, and only there.
	tech := d.Find(`details[data-testid="tech"]`)
	if tech.Length() != 1 || tech.Find("summary").Text() != "技术信息" || tech.AttrOr("open", "none") != "none" {
		t.Fatal("no closed 技术信息 disclosure")
	}
	if sha := tech.Find(`[data-testid="sha256"]`).Text(); len(sha) != 64 || tech.Find(`a[href$="/figures.json"]`).Length() != 1 {
		t.Errorf("technical information: hash %q, JSON link %d", sha, tech.Find(`a[href$="/figures.json"]`).Length())
	}
	tech.Remove()
	if rest, _ := d.Html(); strings.Contains(rest, "SHA-256") || strings.Contains(rest, "figures.json") || strings.Contains(rest, fig.DataVersion) {
		t.Error("hash, JSON or data version outside the disclosure")
	}
	if note := d.Find(`[data-testid="snapshot-note"]`).Text(); note != "12月常委会" {
		t.Errorf("note %q", note)
	}
	// The list shows it; a viewer gets no freeze form, and may not freeze.
	_, list := getBody(t, viewer, ts.URL+"/snapshots")
	ld := doc(t, list)
	if ld.Find(`[data-testid="snapshot"]`).Length() != 1 || ld.Find(`[data-testid="freeze-form"]`).Length() != 0 {
		t.Error("viewer's snapshot list is wrong")
	}
	if resp := do(t, viewer, "POST", ts.URL+"/snapshots", url.Values{"year": {"2023"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer freezes: %d", resp.StatusCode)
	}
	_, list = getBody(t, admin, ts.URL+"/snapshots")
	if doc(t, list).Find(`[data-testid="freeze-form"]`).Length() != 1 {
		t.Error("admin has no freeze form")
	}
}

// TestSnapshotNoChromium: freezing without a browser is refused with the
// install command and stores nothing.
func TestSnapshotNoChromium(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.PDF = pdf.New(pdf.Config{ExecPath: "/nonexistent/chromium"})
	c := ts.client(t)
	ts.login(t, c, "admin", testPassword)
	resp, err := c.PostForm(ts.URL+"/snapshots", url.Values{"year": {"2023"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), pdf.InstallHint) {
		t.Errorf("status %d", resp.StatusCode)
	}
	if snaps, _ := ts.DB.Snapshots(context.Background()); len(snaps) != 0 {
		t.Errorf("%d snapshots stored", len(snaps))
	}
	_, list := getBody(t, c, ts.URL+"/snapshots")
	if doc(t, list).Find(`[data-testid="pdf-note"]`).Length() != 1 {
		t.Error("the freeze form does not say why it is unavailable")
	}
}

// TestSnapshotEarlierYear: the year select offers every year of the
// program (those without data disabled), and an earlier year than the
// latest freezes like any other.
func TestSnapshotEarlierYear(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)

	_, list := getBody(t, admin, ts.URL+"/snapshots?lang=zh")
	d := doc(t, list)
	var years, disabled []string
	d.Find(`[data-testid="freeze-form"] select[name="year"] option`).Each(func(_ int, o *goquery.Selection) {
		years = append(years, o.AttrOr("value", ""))
		if _, off := o.Attr("disabled"); off {
			disabled = append(disabled, o.AttrOr("value", ""))
		}
	})
	// The default program: baseline 2021, milestones 2022–2024; data for
	// 2022 and 2023.
	if strings.Join(years, ",") != "2021,2022,2023,2024" || strings.Join(disabled, ",") != "2021,2024" {
		t.Errorf("years %v, disabled %v", years, disabled)
	}
	if sel := d.Find(`select[name="year"] option[selected]`).AttrOr("value", ""); sel != "2023" {
		t.Errorf("selected year %q, want the latest with data", sel)
	}
	if p := d.Find(`[data-testid="freeze-form"]`).AttrOr("data-progress", ""); p != "正在封存…" {
		t.Errorf("progress text %q", p)
	}
	// The admin's navigation links the snapshots.
	if d.Find(`nav a[data-testid="nav-snapshots"][href^="/snapshots"]`).Length() != 1 {
		t.Error("no snapshots link in the admin's navigation")
	}

	resp := do(t, admin, "POST", ts.URL+"/snapshots", url.Values{"year": {"2022"}, "lang": {"zh"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/snapshots/1") {
		t.Fatalf("freeze 2022: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	snaps, err := ts.DB.Snapshots(context.Background())
	if err != nil || len(snaps) != 1 || snaps[0].Year != 2022 {
		t.Fatalf("snapshots %+v %v", snaps, err)
	}
	_, body := getBody(t, admin, ts.URL+"/snapshots/1/pdf")
	if text := strings.Join(strings.Fields(testutil.Poppler(t, body, "pdftotext", "PDF", "-")), ""); !strings.Contains(text, "魏都区2022年进度报告") {
		t.Error("the 2022 snapshot's PDF is not the 2022 report")
	}
	// A year without data is refused, and nothing is stored.
	if resp := do(t, admin, "POST", ts.URL+"/snapshots", url.Values{"year": {"2024"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("freeze 2024 without data: %d", resp.StatusCode)
	}
	if snaps, _ := ts.DB.Snapshots(context.Background()); len(snaps) != 1 {
		t.Errorf("%d snapshots", len(snaps))
	}
}
