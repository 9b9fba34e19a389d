package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"jindu/internal/testdata/testutil"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"jindu/auth"
	"jindu/db"
	"jindu/web"
)

// multipartBody builds a form with the file and extra fields.
func multipartBody(t *testing.T, name string, content []byte, fields map[string]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

type uploadResp struct {
	BatchID     *int64 `json:"batch_id"`
	DryRun      bool   `json:"dry_run"`
	Rows        int    `json:"rows"`
	NewUnits    int    `json:"new_units"`
	Errors      []map[string]any
	Warnings    []map[string]any
	DuplicateOf *int64 `json:"duplicate_of"`
}

func postUpload(t *testing.T, c *http.Client, ts *testServer, name string, content []byte, fields map[string]string) (int, uploadResp, map[string]json.RawMessage) {
	t.Helper()
	body, ct := multipartBody(t, name, content, fields)
	req, _ := http.NewRequest("POST", ts.URL+"/api/uploads", body)
	req.Header.Set("Content-Type", ct)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r uploadResp
	var keys map[string]json.RawMessage
	json.Unmarshal(raw, &r)
	json.Unmarshal(raw, &keys)
	return resp.StatusCode, r, keys
}

const goodLedger = "年份,街道,社区,小区,五好,星级,小区党支部\n" +
	"2023,街道01,,,是,,\n" +
	"2023,街道01,社区1,,是,,\n" +
	"2023,街道01,社区1,小区1-1,,5,是\n" +
	"2023,街道01,社区1,小区1-9,,4,是\n"

func TestAPIUploadContract(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "viewer", Role: auth.Viewer})
	clerk := ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)

	// Dry run: valid, reported, nothing changed.
	before, _ := ts.DB.Info(context.Background())
	code, r, keys := postUpload(t, clerk, ts, "台账.csv", testutil.GB18030(t, goodLedger), map[string]string{"dry_run": "1"})
	if code != 200 || r.BatchID != nil || !r.DryRun || r.Rows != 4 || r.NewUnits != 1 {
		t.Fatalf("dry run: %d %+v", code, r)
	}
	for _, k := range []string{"batch_id", "dry_run", "rows", "new_units", "errors", "warnings", "duplicate_of"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("response lacks %q", k)
		}
	}
	if after, _ := ts.DB.Info(context.Background()); after != before {
		t.Error("dry run changed the data version")
	}
	// Applied at once.
	code, r, _ = postUpload(t, clerk, ts, "台账.csv", testutil.GB18030(t, goodLedger), nil)
	if code != 200 || r.BatchID == nil || *r.BatchID == 0 || r.DryRun {
		t.Fatalf("apply: %d %+v", code, r)
	}
	var m struct {
		Rows []struct {
			Indicator string
			Numerator int
		}
	}
	ts.getJSON(t, "/api/metrics?year=2023&street=%E8%A1%97%E9%81%9301", &m)
	// Duplicate bytes: nothing changes, the response names the batch.
	code, r2, _ := postUpload(t, clerk, ts, "again.csv", testutil.GB18030(t, goodLedger), nil)
	if code != 200 || r2.BatchID != nil || r2.DuplicateOf == nil || *r2.DuplicateOf != *r.BatchID {
		t.Errorf("duplicate: %d %+v", code, r2)
	}
	// Invalid: 422 with row, column, value and code.
	code, r, _ = postUpload(t, clerk, ts, "bad.csv", []byte("年份,街道,社区,小区,星级\n2023,街道01,社区1,小区1-1,6\n"), nil)
	if code != 422 || len(r.Errors) == 0 {
		t.Fatalf("invalid: %d %+v", code, r)
	}
	e := r.Errors[0]
	if e["row"] != float64(2) || e["column"] != "星级" || e["value"] != "6" || e["code"] != "stars_out_of_range" || e["message"] == "" {
		t.Errorf("error = %v", e)
	}
	// Another street's rows are errors for this clerk.
	code, r, _ = postUpload(t, clerk, ts, "other.csv", []byte("年份,街道,五好\n2023,街道02,是\n"), nil)
	if code != 422 || r.Errors[0]["code"] != "street_not_allowed" {
		t.Errorf("other street: %d %+v", code, r.Errors)
	}
	// Not CSV/xlsx: 415.
	if code, _, _ := postUpload(t, clerk, ts, "report.pdf", []byte("%PDF-1.7\n\x00\x01\x02binary"), nil); code != 415 {
		t.Errorf("pdf: %d", code)
	}
	// Too large: 413.
	ts.Web.MaxUploadBytes = 100
	if code, _, _ := postUpload(t, clerk, ts, "big.csv", bytes.Repeat([]byte("2023,街道01,是\n"), 50), nil); code != 413 {
		t.Errorf("too large: %d", code)
	}
	ts.Web.MaxUploadBytes = web.DefaultMaxUploadBytes
	// No session: 401; a viewer: 403.
	if code, _, _ := postUpload(t, ts.client(t), ts, "台账.csv", []byte(goodLedger), nil); code != 401 {
		t.Errorf("anonymous: %d", code)
	}
	viewer := ts.client(t)
	ts.login(t, viewer, "viewer", testPassword)
	if code, _, _ := postUpload(t, viewer, ts, "台账.csv", []byte(goodLedger), nil); code != 403 {
		t.Errorf("viewer: %d", code)
	}
	entries, _ := ts.DB.AuditEntries(context.Background(), db.AuditFilter{Action: db.AuditUpload})
	if len(entries) != 1 || entries[0].Actor != "clerk01" {
		t.Errorf("uploads audited: %+v", entries)
	}
}

func TestUploadPageFlowAndRollback(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "clerk02", Role: auth.Clerk, Streets: []string{"街道02"}},
		auth.User{Name: "admin", Role: auth.Admin})
	clerk := ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)
	body, ct := multipartBody(t, "台账.csv", testutil.GB18030(t, goodLedger), nil)
	req, _ := http.NewRequest("POST", ts.URL+"/upload", body)
	req.Header.Set("Content-Type", ct)
	resp, err := clerk.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	preview := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(preview, "/upload/") {
		t.Fatalf("upload: %d %s", resp.StatusCode, preview)
	}
	before, _ := ts.DB.Info(context.Background())
	get := func(c *http.Client, path string) (int, string) {
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get(clerk, preview)
	if code != 200 || !strings.Contains(page, "小区1-9") || !strings.Contains(page, "确认导入") || !strings.Contains(page, "新增单位") {
		t.Fatalf("preview: %d", code)
	}
	if after, _ := ts.DB.Info(context.Background()); after.DataSeq != before.DataSeq {
		t.Error("the preview changed data")
	}
	// Another clerk cannot see it.
	other := ts.client(t)
	ts.login(t, other, "clerk02", testPassword)
	if code, _ := get(other, preview); code != 404 {
		t.Errorf("another clerk's view of the preview: %d", code)
	}
	resp = do(t, clerk, "POST", ts.URL+preview+"/apply", url.Values{})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/history?batch=") {
		t.Fatalf("apply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after, _ := ts.DB.Info(context.Background()); after.DataSeq == before.DataSeq {
		t.Error("applying did not change data")
	}
	bs, _ := ts.DB.Batches(context.Background(), 1)
	code, raw := get(clerk, "/history/"+itoa(bs[0].ID)+"/file")
	if code != 200 || raw != string(testutil.GB18030(t, goodLedger)) {
		t.Errorf("file download: %d, %d bytes", code, len(raw))
	}
	// Clerks cannot roll back; admins can.
	if resp := do(t, clerk, "POST", ts.URL+"/history/"+itoa(bs[0].ID)+"/rollback", url.Values{}); resp.StatusCode != 403 {
		t.Errorf("clerk rollback: %d", resp.StatusCode)
	}
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	info, _ := ts.DB.Info(context.Background())
	confirmed := url.Values{"confirm": {"1"}, "seq": {strconv.FormatInt(info.DataSeq, 10)}, "reason": {"test"}}
	if resp := do(t, admin, "POST", ts.URL+"/history/"+itoa(bs[0].ID)+"/rollback", confirmed); resp.StatusCode != 303 {
		t.Errorf("admin rollback: %d", resp.StatusCode)
	}
	if after, _ := ts.DB.Info(context.Background()); after.Units == 0 {
		t.Error("units vanished")
	}
	if resp := do(t, admin, "POST", ts.URL+"/history/"+itoa(bs[0].ID)+"/rollback", confirmed); resp.StatusCode != 409 {
		t.Errorf("second rollback: %d", resp.StatusCode)
	}
	// Templates.
	for _, p := range []string{"/templates/blank.csv", "/templates/blank.xlsx", "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9301&year=2024"} {
		if code, body := get(clerk, p); code != 200 || len(body) < 50 {
			t.Errorf("%s: %d", p, code)
		}
	}
	if code, _ := get(clerk, "/templates/prefilled.xlsx?street=%E8%A1%97%E9%81%9302&year=2024"); code != 403 {
		t.Errorf("another street's template: %d", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The page flow parses an upload once: the preview (seen twice), the
// problems report and the confirmation reuse what the upload's one parse
// and dry run found. A batch applied meanwhile makes the confirmation show
// the preview again, computed anew without parsing, before it applies.
func TestUploadParsedOnce(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}})
	clerk := ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)
	get := func(path string) (int, string) {
		resp, err := clerk.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	upload := func(content string) string {
		body, ct := multipartBody(t, "台账.csv", []byte(content), nil)
		req, _ := http.NewRequest("POST", ts.URL+"/upload", body)
		req.Header.Set("Content-Type", ct)
		resp, err := clerk.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	before := ts.Web.Parses()
	preview := upload(goodLedger)
	for range 2 {
		if code, page := get(preview); code != 200 || !strings.Contains(page, "小区1-9") {
			t.Fatalf("preview: %d", code)
		}
	}
	if code, csv := get(preview + "/problems.csv"); code != 200 || !strings.Contains(csv, "代码") {
		t.Fatalf("problems.csv: %d %q", code, csv)
	}
	if code, csv := get(preview + "/problems.csv?lang=en"); code != 200 || !strings.HasPrefix(csv, "\uFEFFfile,sheet,row,column,value,code,message") {
		t.Fatalf("problems.csv in English: %d %q", code, csv)
	}
	// Another batch changes the data before the clerk confirms.
	if code, r, _ := postUpload(t, clerk, ts, "other.csv", []byte("年份,街道,五好\n2023,街道01,否\n"), nil); code != 200 || r.BatchID == nil {
		t.Fatalf("other batch: %d %+v", code, r)
	}
	afterOther := ts.Web.Parses()
	if afterOther-before != 2 {
		t.Fatalf("parses after the upload, its previews, its report and another API upload: %d, want 2", afterOther-before)
	}
	resp := do(t, clerk, "POST", ts.URL+preview+"/apply", url.Values{})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != preview {
		t.Fatalf("apply after the data changed: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	code, page := get(preview)
	if code != 200 || !strings.Contains(page, `data-testid="rechecked"`) || !strings.Contains(page, "确认导入") {
		t.Fatalf("preview after the data changed: %d", code)
	}
	// The street's 五好 now goes from 否 (the other batch) to 是.
	if !strings.Contains(page, "↑") {
		t.Error("the re-run preview does not show the 五好 going up against the other batch")
	}
	resp = do(t, clerk, "POST", ts.URL+preview+"/apply", url.Values{})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/history?batch=") {
		t.Fatalf("apply: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := ts.Web.Parses() - afterOther; n != 0 {
		t.Errorf("the confirmation parsed the file %d times, want 0", n)
	}
	var m struct {
		Rows []struct {
			Indicator              string
			Numerator, Denominator int
		}
	}
	if code, body := get("/api/metrics?year=2023&street=%E8%A1%97%E9%81%9301"); code != 200 || json.Unmarshal([]byte(body), &m) != nil {
		t.Fatalf("metrics: %d %s", code, body)
	}
	got := map[string][2]int{}
	for _, r := range m.Rows {
		got[r.Indicator] = [2]int{r.Numerator, r.Denominator}
	}
	// The other batch had set 街道01 to 否; the confirmed upload sets 是.
	if got["five_good_streets"] != [2]int{1, 1} {
		t.Errorf("five_good_streets of 街道01 after apply: %v", got["five_good_streets"])
	}
}

// Problems are worded in the request's language; the code stays.
func TestUploadProblemsInEnglish(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}})
	clerk := ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)
	bad := []byte("年份,街道,社区,小区,星级\n2023,街道01,社区1,小区1-1,6\n2023,街道01,社区1,小区1-2,6\n")
	body, ct := multipartBody(t, "bad.csv", bad, nil)
	req, _ := http.NewRequest("POST", ts.URL+"/api/uploads?lang=en", body)
	req.Header.Set("Content-Type", ct)
	resp, err := clerk.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var r uploadResp
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if resp.StatusCode != 422 || len(r.Errors) != 1 {
		t.Fatalf("%d %+v", resp.StatusCode, r)
	}
	e := r.Errors[0]
	if e["code"] != "stars_out_of_range" || e["count"] != float64(2) || e["message"] != "“6” appears 2 times (rows 2、3): The star count must be 0–5, not “6”." {
		t.Errorf("English error = %v", e)
	}
	code, zh, _ := postUpload(t, clerk, ts, "bad.csv", bad, nil)
	if code != 422 || zh.Errors[0]["message"] != "“6”出现 2 次（第 2、3 行）：星级必须是 0–5，实际为“6”" {
		t.Errorf("Chinese error = %v", zh.Errors)
	}
}

// .xls and .ods are accepted like .xlsx (200 or 422, never 415).
func TestAPIUploadWorkbookFormats(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	books := filepath.Join("..", "ingest", "testdata", "workbooks")
	for _, tt := range []struct {
		file string
		code int
		rows int
		err  string
	}{
		{"messy.xls", 200, 3, ""}, {"messy.ods", 200, 3, ""}, {"messy.xlsx", 200, 3, ""},
		{"encrypted.xlsx", 422, 0, "encrypted_file"}, {"encrypted.xls", 422, 0, "encrypted_file"}, {"encrypted.ods", 422, 0, "encrypted_file"},
	} {
		data, err := os.ReadFile(filepath.Join(books, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		code, r, _ := postUpload(t, admin, ts, tt.file, data, map[string]string{"dry_run": "1"})
		if code != tt.code || r.Rows != tt.rows || (tt.err != "" && (len(r.Errors) != 1 || r.Errors[0]["code"] != tt.err)) {
			t.Errorf("%s: %d %+v", tt.file, code, r)
		}
	}
	code, r, _ := postUpload(t, admin, ts, "broken.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3}, nil)
	if code != 422 || len(r.Errors) == 0 || r.Errors[0]["code"] != "bad_xls" {
		t.Errorf("broken.xls: %d %+v", code, r)
	}
}

// The preview puts one row's warnings on one line.
func TestPreviewGroupsWarningsOfARow(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}})
	clerk := ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)
	body, ct := multipartBody(t, "台账.csv", []byte("年份,街道,五好,联系人,联系电话\n2023,街道01,是,张三,139\n"), nil)
	req, _ := http.NewRequest("POST", ts.URL+"/upload", body)
	req.Header.Set("Content-Type", ct)
	resp, err := clerk.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = clerk.Get(ts.URL + resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var header []string
	doc.Find(`[data-testid="warnings"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		if strings.Contains(tr.Find("td").First().Text(), "第 1 行") {
			header = append(header, tr.Text())
		}
	})
	if len(header) != 1 || !strings.Contains(header[0], "“联系人”") || !strings.Contains(header[0], "“联系电话”") || !strings.Contains(header[0], "unknown_column, unknown_column") {
		t.Errorf("warnings of the header row: %q", header)
	}
}
