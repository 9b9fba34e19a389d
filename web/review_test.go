package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/internal/testdata/testutil"
	"jindu/metrics"
	"jindu/pdf"
)

// reviewer is a logged-in client of the review tests.
type reviewClient struct {
	t  *testing.T
	ts *testServer
	c  *http.Client
}

func (ts *testServer) as(t *testing.T, name string) reviewClient {
	t.Helper()
	c := ts.client(t)
	if resp := ts.login(t, c, name, testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	return reviewClient{t, ts, c}
}

// call sends a request and returns its status and body.
func (rc reviewClient) call(method, path string, form url.Values) (int, string) {
	rc.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, rc.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Origin", rc.ts.URL)
	resp, err := rc.c.Do(req)
	if err != nil {
		rc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// upload posts a ledger to POST /api/uploads.
func (rc reviewClient) upload(name, ledger string) (int, map[string]any) {
	rc.t.Helper()
	body, ct := multipartBody(rc.t, name, []byte(ledger), nil)
	req, _ := http.NewRequest("POST", rc.ts.URL+"/api/uploads", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", rc.ts.URL)
	resp, err := rc.c.Do(req)
	if err != nil {
		rc.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// With review on, a clerk's upload is submitted: no figure and no data
// version moves until a reviewer of its street approves it; a rejection
// changes nothing and shows the clerk the reason; a locked street-year
// refuses uploads and rollbacks with year_locked, and only an admin
// unlocks, with a reason.
func TestReviewWorkflow(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "reviewer01", Role: auth.Reviewer, Streets: []string{"街道01"}},
		auth.User{Name: "reviewer02", Role: auth.Reviewer, Streets: []string{"街道02"}},
		auth.User{Name: "admin", Role: auth.Admin},
	)
	ctx := context.Background()
	if err := ts.DB.SetReview(ctx, true); err != nil {
		t.Fatal(err)
	}
	clerk, rev, rev2, admin := ts.as(t, "clerk01"), ts.as(t, "reviewer01"), ts.as(t, "reviewer02"), ts.as(t, "admin")
	metricsNow := func() string {
		t.Helper()
		code, body := admin.call("GET", "/api/metrics?year=2023", nil)
		if code != 200 {
			t.Fatalf("metrics: %d %s", code, body)
		}
		return body
	}
	before, info := metricsNow(), must(ts.DB.Info(ctx))
	// 小区1-1 of 街道01 goes from 0 to 5 stars in 2023.
	ledger := "年份,街道,社区,小区,星级,小区党支部\n2023,街道01,社区1,小区1-1,5,是\n"
	code, res := clerk.upload("西.csv", ledger)
	if code != http.StatusAccepted || res["status"] != "submitted" || res["batch_id"] == nil {
		t.Fatalf("upload with review on: %d %v; want 202 submitted with a batch_id", code, res)
	}
	id := int64(res["batch_id"].(float64))
	if got := metricsNow(); got != before {
		t.Error("a submitted upload changed the figures")
	}
	if now := must(ts.DB.Info(ctx)); now.DataSeq != info.DataSeq {
		t.Errorf("a submitted upload changed data_version %d → %d", info.DataSeq, now.DataSeq)
	}

	// The queue: the reviewer of 街道01 sees it, the one of 街道02 does not,
	// a clerk may not look.
	var list struct {
		Batches []struct {
			ID          int64    `json:"id"`
			Status      string   `json:"status"`
			Streets     []string `json:"streets"`
			Rows        int      `json:"rows"`
			SubmittedBy string   `json:"submitted_by"`
			SubmittedAt string   `json:"submitted_at"`
		} `json:"batches"`
	}
	_, body := rev.call("GET", "/api/batches?status=submitted", nil)
	json.Unmarshal([]byte(body), &list)
	if len(list.Batches) != 1 || list.Batches[0].ID != id || list.Batches[0].Status != "submitted" || list.Batches[0].Rows != 1 ||
		list.Batches[0].SubmittedBy != "clerk01" || len(list.Batches[0].Streets) != 1 || list.Batches[0].Streets[0] != "街道01" || list.Batches[0].SubmittedAt == "" {
		t.Errorf("queue of reviewer01 = %s", body)
	}
	if _, body := rev2.call("GET", "/api/batches?status=submitted", nil); !strings.Contains(body, `"batches":[]`) {
		t.Errorf("queue of reviewer02 = %s; want empty", body)
	}
	for _, c := range []struct {
		who    reviewClient
		method string
		path   string
	}{{clerk, "GET", "/api/batches?status=submitted"}, {clerk, "POST", fmt.Sprintf("/api/batches/%d/approve", id)},
		{clerk, "POST", fmt.Sprintf("/api/batches/%d/reject", id)}, {rev2, "POST", fmt.Sprintf("/api/batches/%d/approve", id)}} {
		if code, _ := c.who.call(c.method, c.path, url.Values{"reason": {"x"}}); code != http.StatusForbidden {
			t.Errorf("%s %s by the wrong account: %d; want 403", c.method, c.path, code)
		}
	}
	// The review page says what approving does to the targets.
	if code, body := rev.call("GET", fmt.Sprintf("/review/%d", id), nil); code != 200 || !strings.Contains(body, "批准后 2023 年街道01“五星”小区") {
		t.Errorf("review page: %d; want the effect on 街道01's five-star share", code)
	}
	if code, body := rev.call("GET", "/", nil); code != 200 || !strings.Contains(body, `data-testid="nav-review"`) {
		t.Errorf("the reviewer's nav has no review link (%d)", code)
	}

	code, body = rev.call("POST", fmt.Sprintf("/api/batches/%d/approve", id), url.Values{})
	if code != 200 || body != fmt.Sprintf(`{"batch_id":%d,"status":"approved"}`+"\n", id) {
		t.Fatalf("approve: %d %s", code, body)
	}
	if metricsNow() == before {
		t.Error("approval did not change the figures")
	}
	if now := must(ts.DB.Info(ctx)); now.DataSeq == info.DataSeq {
		t.Error("approval did not change data_version")
	}
	if code, _ := rev.call("POST", fmt.Sprintf("/api/batches/%d/approve", id), url.Values{}); code != http.StatusConflict {
		t.Errorf("approving twice: %d; want 409", code)
	}
	if _, body := clerk.call("GET", fmt.Sprintf("/history/%d", id), nil); !strings.Contains(body, "已批准（reviewer01，") {
		t.Error("the batch's page does not say who approved it")
	}

	// Rejection: a reason is required; nothing changes; the clerk is told.
	after := metricsNow()
	_, res = clerk.upload("西2.csv", "年份,街道,社区,小区,星级,小区党支部\n2023,街道01,社区1,小区1-2,5,是\n")
	id2 := int64(res["batch_id"].(float64))
	if code, _ := rev.call("POST", fmt.Sprintf("/api/batches/%d/reject", id2), url.Values{"reason": {" "}}); code != http.StatusBadRequest {
		t.Errorf("reject without a reason: %d; want 400", code)
	}
	code, body = rev.call("POST", fmt.Sprintf("/api/batches/%d/reject", id2), url.Values{"reason": {"小区1-2 星级与台账不符"}})
	if code != 200 || body != fmt.Sprintf(`{"batch_id":%d,"status":"rejected"}`+"\n", id2) {
		t.Fatalf("reject: %d %s", code, body)
	}
	if metricsNow() != after {
		t.Error("a rejection changed the figures")
	}
	if _, body := clerk.call("GET", fmt.Sprintf("/history/%d", id2), nil); !strings.Contains(body, "已退回（reviewer01，") {
		t.Error("the rejected batch's page does not say who sent it back")
	}
	if _, body := clerk.call("GET", "/", nil); !strings.Contains(body, "小区1-2 星级与台账不符") {
		t.Error("the clerk's pages do not announce the rejection and its reason")
	}
	if _, body := clerk.call("GET", "/history", nil); !strings.Contains(body, `data-testid="rejection-notices"`) || !strings.Contains(body, "小区1-2 星级与台账不符") {
		t.Error("the clerk's history does not show the rejection's reason")
	}
	if _, body := clerk.call("GET", "/", nil); strings.Contains(body, "小区1-2 星级与台账不符") {
		t.Error("the rejection is still announced after the history showed it")
	}

	// Locks.
	if code, _ := rev2.call("POST", "/api/locks", url.Values{"year": {"2023"}, "street": {"街道01"}}); code != http.StatusForbidden {
		t.Errorf("lock by a reviewer of another street: %d; want 403", code)
	}
	if code, _ := rev.call("POST", "/api/locks", url.Values{"year": {"2023"}}); code != http.StatusForbidden {
		t.Errorf("district lock by a street's reviewer: %d; want 403", code)
	}
	if code, body := rev.call("POST", "/api/locks", url.Values{"year": {"2023"}, "street": {"街道01"}}); code != 200 || !strings.Contains(body, `"locked_by":"reviewer01"`) {
		t.Fatalf("lock: %d %s", code, body)
	}
	if code, _ := rev.call("POST", "/api/locks", url.Values{"year": {"2023"}, "street": {"街道01"}}); code != http.StatusConflict {
		t.Errorf("locking twice: %d; want 409", code)
	}
	dump := testutil.Dump(t, ts.DB.Path, "sessions", "audit_log", "users")
	code, res = clerk.upload("西3.csv", "年份,街道,社区,小区,星级,小区党支部\n2023,街道01,社区1,小区1-3,5,是\n")
	errs, _ := res["errors"].([]any)
	if code != http.StatusUnprocessableEntity || len(errs) != 1 || errs[0].(map[string]any)["code"] != "year_locked" ||
		!strings.Contains(errs[0].(map[string]any)["message"].(string), "reviewer01") {
		t.Errorf("upload into a locked year: %d %v; want 422 year_locked naming reviewer01", code, res)
	}
	_, body = admin.call("GET", fmt.Sprintf("/history/%d/rollback", id), nil)
	seq := ""
	if i := strings.Index(body, `name="seq" value="`); i >= 0 {
		seq, _, _ = strings.Cut(body[i+len(`name="seq" value="`):], `"`)
	}
	code, body = admin.call("POST", fmt.Sprintf("/history/%d/rollback", id), url.Values{"confirm": {"1"}, "seq": {seq}, "reason": {"错了"}})
	if code != http.StatusConflict || !strings.Contains(body, "已封账") {
		t.Errorf("rollback into a locked year: %d; want 409 saying 已封账", code)
	}
	if got := testutil.Dump(t, ts.DB.Path, "sessions", "audit_log", "users"); got != dump {
		t.Error("refused changes of a locked year changed the database")
	}
	if code, _ := rev.call("POST", "/api/locks/unlock", url.Values{"year": {"2023"}, "street": {"街道01"}, "reason": {"x"}}); code != http.StatusForbidden {
		t.Errorf("unlock by a reviewer: %d; want 403", code)
	}
	if code, _ := admin.call("POST", "/api/locks/unlock", url.Values{"year": {"2023"}, "street": {"街道01"}}); code != http.StatusBadRequest {
		t.Errorf("unlock without a reason: %d; want 400", code)
	}
	if code, _ := admin.call("POST", "/api/locks/unlock", url.Values{"year": {"2023"}, "street": {"街道01"}, "reason": {"更正台账"}}); code != 200 {
		t.Errorf("unlock: %d", code)
	}
	if code, res := clerk.upload("西3.csv", "年份,街道,社区,小区,星级,小区党支部\n2023,街道01,社区1,小区1-3,5,是\n"); code != http.StatusAccepted {
		t.Errorf("upload after unlocking: %d %v", code, res)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The workflow page switches review, locks and unlocks (with a reason)
// and sets deadlines, and says which streets are late.
func TestWorkflowPage(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	admin := ts.as(t, "admin")
	ctx := context.Background()
	post := func(form url.Values, want int) string {
		t.Helper()
		code, body := admin.call("POST", "/admin/workflow", form)
		if code != want {
			t.Errorf("POST /admin/workflow %v: %d; want %d", form, code, want)
		}
		return body
	}
	post(url.Values{"action": {"review"}, "review": {"on"}}, http.StatusSeeOther)
	if on, _ := ts.DB.Review(ctx); !on {
		t.Error("review not switched on")
	}
	post(url.Values{"action": {"lock"}, "year": {"2023"}, "street": {"街道03"}}, http.StatusSeeOther)
	post(url.Values{"action": {"lock"}, "year": {"2023"}, "street": {"街道03"}}, http.StatusConflict)
	post(url.Values{"action": {"lock"}, "year": {"2023"}, "street": {"没有这个街道"}}, http.StatusBadRequest)
	post(url.Values{"action": {"lock"}, "year": {"1999"}}, http.StatusBadRequest)
	if locks, _ := ts.DB.Locks(ctx); len(locks) != 1 || locks[0].Street != "街道03" || locks[0].By != "admin" {
		t.Errorf("locks = %+v", locks)
	}
	if body := post(url.Values{"action": {"unlock"}, "year": {"2023"}, "street": {"街道03"}}, http.StatusBadRequest); !strings.Contains(body, "解锁须填写原因") {
		t.Error("an unlock without a reason does not say why it is refused")
	}
	post(url.Values{"action": {"deadline"}, "year": {"2024"}, "due": {"2024-12-10"}}, http.StatusSeeOther)
	// 2024 has no data yet and its deadline (10 December) is past on the
	// 20th: every street is late.
	_, body := admin.call("GET", "/admin/workflow", nil)
	for _, want := range []string{"已开启", "街道03", "已上报 0/13", "截止 12 月 10 日", "13 个街道逾期未上报（街道01、"} {
		if !strings.Contains(body, want) {
			t.Errorf("workflow page lacks %q", want)
		}
	}
	post(url.Values{"action": {"unlock"}, "year": {"2023"}, "street": {"街道03"}, "reason": {"更正"}}, http.StatusSeeOther)
	if locks, _ := ts.DB.Locks(ctx); len(locks) != 0 {
		t.Errorf("after unlocking: %+v", locks)
	}
	entries, _ := ts.DB.AuditEntries(ctx, db.AuditFilter{})
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Action] = true
	}
	for _, a := range []string{db.AuditReviewSetting, db.AuditLock, db.AuditUnlock, db.AuditDeadline} {
		if !seen[a] {
			t.Errorf("no audit entry %s", a)
		}
	}
	_, body = admin.call("GET", "/admin/audit", nil)
	for _, want := range []string{"admin 开启了上报审核", "admin 将 2023 年街道03的数据封账", "admin 解锁了 2023 年街道03的数据（原因：更正）",
		"admin 将 2024 年的填报截止日期设为 2024-12-10"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log does not say %q", want)
		}
	}
}

// An online correction changes one field of one unit-year, keeps the
// others, is validated like a file (the same code for a bad value), needs
// a reason and the street in scope, goes through review when it is on and
// is refused in a locked year.
func TestCorrections(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "clerk02", Role: auth.Clerk, Streets: []string{"街道02"}},
		auth.User{Name: "admin", Role: auth.Admin},
	)
	ctx := context.Background()
	clerk, other, admin := ts.as(t, "clerk01"), ts.as(t, "clerk02"), ts.as(t, "admin")
	form := func(field, value, reason string) url.Values {
		return url.Values{"year": {"2023"}, "street": {"街道01"}, "community": {"社区1"}, "compound": {"小区1-1"},
			"field": {field}, "value": {value}, "reason": {reason}}
	}
	compound := func() (stars int, branch, committee bool) {
		t.Helper()
		st := must(ts.DB.StreetByName(ctx, "街道01"))
		for _, r := range must(ts.DB.StreetRecords(ctx, st, 2023)) {
			if r.Unit.Compound == "小区1-1" {
				return *r.Status.Stars, *r.Status.PartyBranch, *r.Status.OwnersCommittee
			}
		}
		t.Fatal("小区1-1 not found")
		return
	}
	_, branch0, committee0 := compound()
	code, body := clerk.call("POST", "/api/corrections", form("stars", "5", "复核后为五星"))
	if code != 200 || !strings.Contains(body, `"batch_id":`) {
		t.Fatalf("correction: %d %s", code, body)
	}
	if stars, branch, committee := compound(); stars != 5 || branch != branch0 || committee != committee0 {
		t.Errorf("after the correction: %d stars, branch %v, committee %v; want 5 and the others unchanged (%v, %v)", stars, branch, committee, branch0, committee0)
	}
	var hist []struct{ Note, Source string }
	for _, b := range must(ts.DB.Batches(ctx, 1)) {
		hist = append(hist, struct{ Note, Source string }{b.Note, b.Source})
	}
	if len(hist) != 1 || !strings.Contains(hist[0].Note, "复核后为五星") || !strings.HasPrefix(hist[0].Source, "在线修改") {
		t.Errorf("the correction's batch = %+v; want its reason and source 在线修改", hist)
	}

	// A bad value: the code the same value gets in a file.
	code, body = clerk.call("POST", "/api/corrections", form("stars", "七星", "x"))
	_, fileRes := clerk.upload("星级.csv", "年份,街道,社区,小区,星级\n2023,街道01,社区1,小区1-1,七星\n")
	fileCode := fileRes["errors"].([]any)[0].(map[string]any)["code"].(string)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"`+fileCode+`"`) {
		t.Errorf("bad value: %d %s; want 422 with the file's code %s", code, body, fileCode)
	}
	for _, c := range []struct {
		who  reviewClient
		form url.Values
		code int
		want string
	}{
		{clerk, form("stars", "4", ""), 400, "reason_required"},
		{clerk, form("nonsense", "4", "x"), 400, "bad_field"},
		{clerk, url.Values{"year": {"2023"}, "street": {"街道01"}, "community": {"社区1"}, "compound": {"没有"}, "field": {"stars"}, "value": {"4"}, "reason": {"x"}}, 422, "unknown_unit"},
		{other, form("stars", "4", "x"), 403, ""},
	} {
		code, body := c.who.call("POST", "/api/corrections", c.form)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("correction %v: %d %s; want %d %s", c.form, code, body, c.code, c.want)
		}
	}

	// Under review: submitted, nothing counts yet.
	if err := ts.DB.SetReview(ctx, true); err != nil {
		t.Fatal(err)
	}
	seq := must(ts.DB.Info(ctx)).DataSeq
	if code, body := clerk.call("POST", "/api/corrections", form("stars", "3", "再次复核")); code != http.StatusAccepted || !strings.Contains(body, `"status":"submitted"`) {
		t.Errorf("correction under review: %d %s; want 202 submitted", code, body)
	}
	if stars, _, _ := compound(); stars != 5 || must(ts.DB.Info(ctx)).DataSeq != seq {
		t.Errorf("a submitted correction changed the data (%d stars)", stars)
	}
	// A locked year refuses it, with the same code as a file.
	if code, _ := admin.call("POST", "/api/locks", url.Values{"year": {"2023"}}); code != 200 {
		t.Fatalf("lock: %d", code)
	}
	dump := testutil.Dump(t, ts.DB.Path, "sessions", "audit_log", "users")
	if code, body := clerk.call("POST", "/api/corrections", form("stars", "2", "x")); code != http.StatusUnprocessableEntity || !strings.Contains(body, `"code":"year_locked"`) {
		t.Errorf("correction of a locked year: %d %s; want 422 year_locked", code, body)
	}
	if testutil.Dump(t, ts.DB.Path, "sessions", "audit_log", "users") != dump {
		t.Error("a refused correction changed the database")
	}
}

// The correction form shows the unit's current values and says what it
// did, or what is wrong, in the page's language.
func TestCorrectionPage(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}})
	clerk := ts.as(t, "clerk01")
	code, body := clerk.call("GET", "/correct?year=2023&street=%E8%A1%97%E9%81%9301&community=%E7%A4%BE%E5%8C%BA1&compound=%E5%B0%8F%E5%8C%BA1-2", nil)
	if code != 200 || !strings.Contains(body, "街道01 / 社区1 / 小区1-2 2023 年的现有数据") || !strings.Contains(body, "1★") ||
		strings.Contains(body, `<option value="街道02"`) {
		t.Errorf("correction form: %d; want 小区1-2's current values (1★) and only the clerk's streets\n%s", code, body)
	}
	if _, body := clerk.call("GET", "/streets/%E8%A1%97%E9%81%9301/communities/%E7%A4%BE%E5%8C%BA1?year=2023", nil); !strings.Contains(body, `data-testid="correct-link"`) ||
		!strings.Contains(body, "/correct?community=%E7%A4%BE%E5%8C%BA1") {
		t.Error("the clerk's community page does not link the correction form")
	}
	if _, body := clerk.call("GET", "/streets/%E8%A1%97%E9%81%9302?year=2023", nil); strings.Contains(body, `data-testid="correct-link"`) {
		t.Error("another street's page offers the clerk a correction")
	}
	form := url.Values{"year": {"2023"}, "street": {"街道01"}, "community": {"社区1"}, "compound": {"小区1-2"}, "field": {"stars"}, "reason": {"复核"}}
	form.Set("value", "六")
	if code, body := clerk.call("POST", "/correct", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="correct-error"`) {
		t.Errorf("bad value: %d; want 422 with the error shown", code)
	}
	form.Set("value", "4")
	if code, body := clerk.call("POST", "/correct", form); code != 200 || !strings.Contains(body, "已修改，记为第") || !strings.Contains(body, "4★") {
		t.Errorf("correction: %d; want the result and the new value", code)
	}
}

// The home page lists each user's to-dos and says the deadline and the
// late streets; the nav's badge counts the reviewer's queue.
func TestTodosAndDeadline(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "reviewer", Role: auth.Reviewer},
		auth.User{Name: "viewer", Role: auth.Viewer},
	)
	ctx := context.Background()
	// 2024 so far: only 街道03 reported; the deadline was 10 December and
	// it is the 20th.
	ts.apply(t, "import", []metrics.Record{{Year: 2024, Unit: metrics.UnitRef{Street: "街道03"}, Status: metrics.Status{FiveGood: metrics.Bool(true)}}})
	if err := ts.DB.SetDeadline(ctx, db.Deadline{Year: 2024, Due: time.Date(2024, 12, 10, 0, 0, 0, 0, time.UTC), SetBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.DB.SetReview(ctx, true); err != nil {
		t.Fatal(err)
	}
	clerk, reviewer, viewer := ts.as(t, "clerk01"), ts.as(t, "reviewer"), ts.as(t, "viewer")
	_, body := clerk.call("GET", "/", nil)
	for _, want := range []string{`data-testid="todos"`, "您负责的 1 个街道 2024 年数据已逾期未上报（街道01）", "已上报 1/13 个街道 · 截止 12 月 10 日", "12 个街道逾期未上报（街道01、"} {
		if !strings.Contains(body, want) {
			t.Errorf("the clerk's home lacks %q", want)
		}
	}
	if _, body := reviewer.call("GET", "/", nil); strings.Contains(body, "批台账待审核") || strings.Contains(body, `class="badge"`) {
		t.Error("the reviewer has a queue to-do with an empty queue")
	}
	if code, _ := clerk.upload("01.csv", "年份,街道\n2024,街道01\n"); code != http.StatusAccepted {
		t.Fatalf("upload: %d", code)
	}
	// The submission moves no data version, yet the reviewer's home shows it.
	_, body = reviewer.call("GET", "/", nil)
	if !strings.Contains(body, "1 批台账待审核") || !strings.Contains(body, `<span class="badge"`) {
		t.Error("the reviewer's home does not show the submitted batch as a to-do with a badge")
	}
	if _, body := viewer.call("GET", "/", nil); strings.Contains(body, `data-testid="todos"`) {
		t.Error("a viewer has to-dos")
	}
}

// Locked figures say so on the pages, the report and the snapshot; a lock
// is a new data version, so cached pages show it at once.
func TestLockedShown(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "viewer", Role: auth.Viewer})
	admin, viewer := ts.as(t, "admin"), ts.as(t, "viewer")
	if _, body := viewer.call("GET", "/?year=2023", nil); strings.Contains(body, `data-testid="locked"`) {
		t.Fatal("an unlocked year shows 已封账")
	}
	if code, _ := admin.call("POST", "/api/locks", url.Values{"year": {"2023"}, "street": {"街道02"}}); code != 200 {
		t.Fatalf("lock: %d", code)
	}
	for path, want := range map[string]string{
		"/?year=2023": "2023 年有 1 个街道的数据已封账（街道02）",
		"/streets/%E8%A1%97%E9%81%9302?year=2023":       "2023 年数据已封账（admin，2024-12-20）",
		"/report?year=2023&street=%E8%A1%97%E9%81%9302": "2023 年数据已封账（admin，2024-12-20）",
	} {
		if _, body := viewer.call("GET", path, nil); !strings.Contains(body, want) {
			t.Errorf("%s does not say %q", path, want)
		}
	}
	if _, body := viewer.call("GET", "/streets/%E8%A1%97%E9%81%9301?year=2023", nil); strings.Contains(body, "已封账") {
		t.Error("an unlocked street says 已封账")
	}
}

// A reviewer locks their streets' years from the review queue, and no
// other street's.
func TestLockFromQueue(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "reviewer01", Role: auth.Reviewer, Streets: []string{"街道01"}})
	rev := ts.as(t, "reviewer01")
	_, body := rev.call("GET", "/review", nil)
	if !strings.Contains(body, `data-testid="review-lock-form"`) || !strings.Contains(body, `<option value="街道01">`) ||
		strings.Contains(body, `<option value="街道02">`) || strings.Contains(body, `<option value="">`) {
		t.Error("the queue's lock form does not offer exactly the reviewer's street")
	}
	if code, _ := rev.call("POST", "/review/locks", url.Values{"year": {"2023"}, "street": {"街道02"}}); code != http.StatusForbidden {
		t.Errorf("locking another street: %d; want 403", code)
	}
	if code, _ := rev.call("POST", "/review/locks", url.Values{"year": {"2023"}, "street": {"街道01"}}); code != http.StatusSeeOther {
		t.Errorf("locking: %d; want 303", code)
	}
	if locks := must(ts.DB.Locks(context.Background())); len(locks) != 1 || locks[0].Street != "街道01" || locks[0].By != "reviewer01" {
		t.Errorf("locks = %+v", locks)
	}
}

// A snapshot records which street-years were locked when it was frozen.
func TestSnapshotRecordsLocks(t *testing.T) {
	testutil.Chromium(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	ts.Web.PDF = pdf.New(pdf.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Timeout: waitLimit})
	t.Cleanup(func() { ts.Web.Close() })
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	ctx := context.Background()
	for _, l := range []db.YearLock{{Year: 2023, Street: "街道02", By: "admin"}, {Year: 2022, By: "admin"}} {
		if err := ts.DB.LockYear(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	resp := do(t, admin, "POST", ts.URL+"/snapshots", url.Values{"year": {"2023"}, "lang": {"zh"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("freeze: %d", resp.StatusCode)
	}
	_, figures := getBody(t, admin, ts.URL+"/snapshots/1/figures.json")
	var fig struct {
		Locks []struct {
			Year     int    `json:"year"`
			Street   string `json:"street"`
			LockedBy string `json:"locked_by"`
		} `json:"locks"`
	}
	if err := json.Unmarshal(figures, &fig); err != nil || len(fig.Locks) != 1 || fig.Locks[0].Year != 2023 ||
		fig.Locks[0].Street != "街道02" || fig.Locks[0].LockedBy != "admin" {
		t.Errorf("the snapshot's locks = %+v (%v); want 2023 街道02 by admin only", fig.Locks, err)
	}
}
