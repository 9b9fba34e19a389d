package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/internal/testdata/testutil"
)

// send makes a request and returns its status, Location and body.
func send(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// dumpDB is every row of every table but the sessions (whose last_seen
// any request may touch), in a stable order.
func dumpDB(t *testing.T, ts *testServer) string {
	t.Helper()
	return testutil.Dump(t, ts.DB.Path, "sessions")
}

// TestRollbackNeedsConfirmation: on main a rollback acted on the first
// click, refused in English first and left the result on the POST URL.
// Now the confirmation page says what it undoes; a POST without it (or
// without a reason, or after the data changed) changes nothing at all;
// the result is the rollback's own page; the uploader is told on the next
// page they open and on /history, by whom and why.
func TestRollbackNeedsConfirmation(t *testing.T) {
	ts, _ := privateServer(t,
		auth.User{Name: "clerk01", Role: auth.Clerk, Streets: []string{"街道01"}},
		auth.User{Name: "admin", Role: auth.Admin})
	clerk, admin := ts.client(t), ts.client(t)
	ts.login(t, clerk, "clerk01", testPassword)
	ts.login(t, admin, "admin", testPassword)
	code, up, _ := postUpload(t, clerk, ts, "台账.csv", ledgerOf("a", "街道01"), nil)
	if code != 200 || up.BatchID == nil {
		t.Fatalf("upload: %d", code)
	}
	id := itoa(*up.BatchID)
	b, err := ts.DB.BatchByID(context.Background(), *up.BatchID)
	if err != nil || b.Changed == 0 {
		t.Fatalf("batch: %+v %v", b, err)
	}

	// The confirmation page says what it will undo.
	code, _, page := send(t, admin, "GET", ts.URL+"/history/"+id+"/rollback", nil)
	want := fmt.Sprintf("将撤销第 %s 批：%d 个单位年度，涉及 街道01。", id, b.Changed)
	if code != 200 || !strings.Contains(page, want) || !strings.Contains(page, `class="danger"`) || !strings.Contains(page, `name="reason" required`) {
		t.Fatalf("confirmation page: %d, wants %q and a danger button with a required reason:\n%s", code, want, page)
	}
	info, _ := ts.DB.Info(context.Background())
	seq := strconv.FormatInt(info.DataSeq, 10)
	if !strings.Contains(page, `name="seq" value="`+seq+`"`) {
		t.Errorf("the page does not carry the data version %s", seq)
	}
	if code, _, _ := send(t, clerk, "GET", ts.URL+"/history/"+id+"/rollback", nil); code != 403 {
		t.Errorf("clerk's confirmation page: %d", code)
	}

	// Anything but the confirmed form changes nothing.
	before := dumpDB(t, ts)
	for _, tc := range []struct {
		name   string
		c      *http.Client
		lang   string
		form   url.Values
		status int
		says   string
	}{
		{"no confirmation (the old button)", admin, "", url.Values{}, 400, "撤销需要先在本页确认"},
		{"no confirmation, English", admin, "en", url.Values{}, 400, "A rollback must be confirmed on this page"},
		{"confirm without the data version", admin, "", url.Values{"confirm": {"1"}, "reason": {"x"}}, 400, "撤销需要先在本页确认"},
		{"no reason", admin, "", url.Values{"confirm": {"1"}, "seq": {seq}, "reason": {"  "}}, 400, "请填写撤销原因"},
		{"no reason, English", admin, "en", url.Values{"confirm": {"1"}, "seq": {seq}}, 400, "Please give a reason"},
		{"data changed since", admin, "", url.Values{"confirm": {"1"}, "seq": {seq + "0"}, "reason": {"x"}}, 409, "确认之后数据又有变化"},
		{"a clerk", clerk, "", url.Values{"confirm": {"1"}, "seq": {seq}, "reason": {"x"}}, 403, ""},
	} {
		u := ts.URL + "/history/" + id + "/rollback?lang=zh"
		if tc.lang != "" {
			u = ts.URL + "/history/" + id + "/rollback?lang=" + tc.lang
		}
		code, _, body := send(t, tc.c, "POST", u, tc.form)
		if code != tc.status || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d saying %q", tc.name, code, tc.status, tc.says)
		}
		if tc.status == 400 && !strings.Contains(body, "将撤销第") && tc.lang == "" {
			t.Errorf("%s: the refusal does not show the confirmation again", tc.name)
		}
	}
	if after := dumpDB(t, ts); after != before {
		t.Fatal("an unconfirmed rollback changed the database")
	}

	// Confirmed: done, and the result is a page of its own (POST-redirect-GET).
	code, loc, _ := send(t, admin, "POST", ts.URL+"/history/"+id+"/rollback",
		url.Values{"confirm": {"1"}, "seq": {seq}, "reason": {"数字填错了"}})
	if code != 303 || !strings.HasPrefix(loc, "/history/") || !strings.Contains(loc, "?undone="+id) {
		t.Fatalf("confirmed rollback: %d %q", code, loc)
	}
	if dumpDB(t, ts) == before {
		t.Fatal("the confirmed rollback changed nothing")
	}
	code, _, page = send(t, admin, "GET", ts.URL+loc+"&lang=zh", nil)
	if code != 200 || !strings.Contains(page, fmt.Sprintf("已撤销第 %s 批：%d 个单位年度已恢复", id, b.Changed)) ||
		!strings.Contains(page, "本批撤销了第 "+id+" 批。原因：数字填错了") {
		t.Errorf("result page: %d\n%s", code, page)
	}
	// Again: refused, in the page's language.
	for lang, says := range map[string]string{"zh": "已被第", "en": "was already rolled back by batch"} {
		code, _, body := send(t, admin, "POST", ts.URL+"/history/"+id+"/rollback?lang="+lang,
			url.Values{"confirm": {"1"}, "seq": {seq}, "reason": {"again"}})
		if code != 409 || !strings.Contains(body, says) {
			t.Errorf("second rollback (%s): %d, want 409 saying %q", lang, code, says)
		}
	}

	// The uploader, at the next login, is told on the first page, then on
	// the history, once; the batch's line keeps who and why.
	next := ts.client(t)
	ts.login(t, next, "clerk01", testPassword)
	_, _, home := send(t, next, "GET", ts.URL+"/", nil)
	if !strings.Contains(home, `data-testid="rollback-notice"`) || !strings.Contains(home, "被 admin 撤销。原因：数字填错了") {
		t.Errorf("the landing page after login does not tell the clerk:\n%s", home)
	}
	_, _, hist := send(t, next, "GET", ts.URL+"/history", nil)
	if !strings.Contains(hist, `data-testid="rollback-notices"`) || !strings.Contains(hist, "您上传的第 "+id+" 批已于") {
		t.Errorf("the history does not tell the clerk:\n%s", hist)
	}
	_, _, hist = send(t, next, "GET", ts.URL+"/history", nil)
	if strings.Contains(hist, `data-testid="rollback-notices"`) || !strings.Contains(hist, "（admin：数字填错了）") {
		t.Errorf("second visit: the notice should be gone and the line should say who and why")
	}
	if _, _, home := send(t, next, "GET", ts.URL+"/", nil); strings.Contains(home, `data-testid="rollback-notice"`) {
		t.Error("the banner stays after the history was seen")
	}
}

// TestRollbackConflictInPageLanguage: a rollback that would drop a later
// batch's work is refused with the unit-year and the later batch, in
// Chinese or English, and changes nothing.
func TestRollbackConflictInPageLanguage(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	_, first, _ := postUpload(t, admin, ts, "a.csv", ledgerOf("a", "街道01"), nil)
	later := strings.Replace(string(ledgerOf("a", "街道01")), ",3,", ",4,", 1)
	_, second, _ := postUpload(t, admin, ts, "b.csv", []byte(later), nil)
	if first.BatchID == nil || second.BatchID == nil {
		t.Fatal("uploads failed")
	}
	id := itoa(*first.BatchID)
	info, _ := ts.DB.Info(context.Background())
	form := url.Values{"confirm": {"1"}, "seq": {strconv.FormatInt(info.DataSeq, 10)}, "reason": {"x"}}
	before := dumpDB(t, ts)
	// The confirmation page says so at once, and offers no form.
	for lang, says := range map[string]string{
		"zh": "不能撤销第 " + id + " 批：有 1 个单位年度在之后的批次中又被修改",
		"en": "Batch " + id + " cannot be rolled back: 1 unit-years were changed again by later batches",
	} {
		code, _, body := send(t, admin, "GET", ts.URL+"/history/"+id+"/rollback?lang="+lang, nil)
		if code != 409 || !strings.Contains(body, says) || strings.Contains(body, `name="reason"`) {
			t.Errorf("confirmation page (%s): %d, want 409 saying %q without a form", lang, code, says)
		}
	}
	for lang, says := range map[string]string{
		"zh": "不能撤销第 " + id + " 批：有 1 个单位年度在之后的批次中又被修改（例如 街道01 / 社区1 / 小区a 2024 年（第 " + itoa(*second.BatchID) + " 批））",
		"en": "Batch " + id + " cannot be rolled back: 1 unit-years were changed again by later batches (e.g. 街道01 / 社区1 / 小区a 2024 (batch " + itoa(*second.BatchID) + "))",
	} {
		code, _, body := send(t, admin, "POST", ts.URL+"/history/"+id+"/rollback?lang="+lang, form)
		if code != 409 || !strings.Contains(body, says) {
			t.Errorf("%s: %d, want 409 saying %q\n%s", lang, code, says, body)
		}
	}
	if dumpDB(t, ts) != before {
		t.Error("a refused rollback changed the database")
	}
}
