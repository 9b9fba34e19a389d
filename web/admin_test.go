package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jindu/auth"
	"jindu/db"
	"jindu/metrics"
	"jindu/web"
)

// TestClerkStreetsFromKnownStreets: on main a clerk's streets were free
// text, and an empty field silently gave the whole district. Now they are
// ticked from the known streets; the whole district only by its own
// choice; nothing else is stored.
func TestClerkStreetsFromKnownStreets(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "zed", Role: auth.Viewer})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	_, _, page := send(t, admin, "GET", ts.URL+"/admin/users?lang=zh", nil)
	for _, want := range []string{`type="checkbox" name="street" value="街道01"`, `type="checkbox" name="street" value="街道13"`,
		`name="scope" value="district"`, "上次登录", `class="danger"`} {
		if !strings.Contains(page, want) {
			t.Errorf("accounts page lacks %q", want)
		}
	}
	add := func(form url.Values) (int, string) {
		form.Set("password", "a clerk's long passphrase")
		form.Set("role", "clerk")
		code, _, body := send(t, admin, "POST", ts.URL+"/admin/users?lang=zh", form)
		return code, body
	}
	for _, tc := range []struct {
		name string
		form url.Values
		says string
	}{
		{"no street, no choice", url.Values{"name": {"a"}}, "请为数据专干选择至少一个街道"},
		{"an empty street field", url.Values{"name": {"b"}, "scope": {"streets"}, "street": {""}}, "请为数据专干选择至少一个街道"},
		{"an unknown street", url.Values{"name": {"c"}, "scope": {"streets"}, "street": {"街道01", "火星街道"}}, "没有名为“火星街道”的街道"},
	} {
		if code, body := add(tc.form); code != 400 || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want 400 saying %q", tc.name, code, tc.says)
		}
		if _, _, err := ts.DB.UserByName(context.Background(), tc.form.Get("name")); err == nil {
			t.Errorf("%s: the account was created", tc.name)
		}
	}
	if code, _ := add(url.Values{"name": {"d"}, "scope": {"streets"}, "street": {"街道02", "街道01"}}); code != 303 {
		t.Fatalf("two streets: %d", code)
	}
	if u, _, _ := ts.DB.UserByName(context.Background(), "d"); strings.Join(u.Streets, ",") != "街道01,街道02" {
		t.Errorf("d's streets: %q", u.Streets)
	}
	if code, _ := add(url.Values{"name": {"e"}, "scope": {"district"}, "street": {"街道01"}}); code != 303 {
		t.Fatalf("whole district: %d", code)
	}
	if u, _, _ := ts.DB.UserByName(context.Background(), "e"); u.Role != auth.Clerk || len(u.Streets) != 0 {
		t.Errorf("e = %+v, want a district-wide clerk", u)
	}
	// The role form follows the same rule.
	if code, _, body := send(t, admin, "POST", ts.URL+"/admin/users/zed/role?lang=en", url.Values{"role": {"clerk"}}); code != 400 ||
		!strings.Contains(body, "Choose at least one street") {
		t.Errorf("role change without streets: %d", code)
	}
	if u, _, _ := ts.DB.UserByName(context.Background(), "zed"); u.Role != auth.Viewer {
		t.Errorf("zed became %s", u.Role)
	}
	if code, _, _ := send(t, admin, "POST", ts.URL+"/admin/users/zed/role", url.Values{"role": {"clerk"}, "scope": {"streets"}, "street": {"街道03"}}); code != 303 {
		t.Errorf("role change with a street: %d", code)
	}
	if u, _, _ := ts.DB.UserByName(context.Background(), "zed"); u.Role != auth.Clerk || strings.Join(u.Streets, ",") != "街道03" {
		t.Errorf("zed = %+v", u)
	}
}

// TestDisableNeedsConfirmation: disabling ends an account's sessions, so
// it takes the confirmation button; a bare POST changes nothing.
func TestDisableNeedsConfirmation(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin}, auth.User{Name: "zed", Role: auth.Viewer})
	admin, zed := ts.client(t), ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	ts.login(t, zed, "zed", testPassword)
	before := dumpDB(t, ts)
	if code, _, body := send(t, admin, "POST", ts.URL+"/admin/users/zed/disable?lang=zh", url.Values{}); code != 400 || !strings.Contains(body, "停用账户需要先确认") {
		t.Errorf("unconfirmed disable: %d", code)
	}
	if dumpDB(t, ts) != before {
		t.Error("an unconfirmed disable changed the database")
	}
	if code, _, _ := send(t, zed, "GET", ts.URL+"/api/metrics", nil); code != 200 {
		t.Errorf("zed lost the session: %d", code)
	}
	if code, _, _ := send(t, admin, "POST", ts.URL+"/admin/users/zed/disable", url.Values{"confirm": {"1"}}); code != 303 {
		t.Errorf("confirmed disable: %d", code)
	}
	if u, _, _ := ts.DB.UserByName(context.Background(), "zed"); !u.Disabled {
		t.Error("zed is not disabled")
	}
}

// TestLastLoginAndAuditInWords: the accounts page shows when each account
// last logged in; the audit log says what happened in words, in Chinese
// and English, instead of action codes and key=value details.
func TestLastLoginAndAuditInWords(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin},
		auth.User{Name: "张三", Role: auth.Clerk, Streets: []string{"街道01"}}, auth.User{Name: "zed", Role: auth.Viewer})
	admin, clerk := ts.client(t), ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	ts.login(t, clerk, "张三", testPassword)
	code, up, _ := postUpload(t, clerk, ts, "台账.csv", ledgerOf("x", "街道01"), nil)
	if code != 200 || up.BatchID == nil {
		t.Fatalf("upload: %d", code)
	}
	send(t, admin, "POST", ts.URL+"/admin/users", url.Values{"name": {"李四"}, "role": {"clerk"}, "scope": {"streets"},
		"street": {"街道01", "街道02"}, "password": {"a clerk's long passphrase"}})
	send(t, admin, "POST", ts.URL+"/admin/users/zed/disable", url.Values{"confirm": {"1"}})
	send(t, admin, "POST", ts.URL+"/admin/targets", url.Values{"five_good_streets.2023": {"55"}})

	_, _, users := send(t, admin, "GET", ts.URL+"/admin/users?lang=zh", nil)
	// privateServer's clock: 2024-12-20 09:00 UTC.
	when := ts.DB.Now().Local().Format("2006-01-02 15:04")
	if !strings.Contains(users, `data-testid="last-login">`+when+`<`) || !strings.Contains(users, `data-testid="last-login">从未登录<`) {
		t.Errorf("accounts page: last logins (%s and never) missing", when)
	}
	label := metrics.DefaultProgram().Indicators[0].Label
	if ind, ok := metrics.DefaultProgram().Indicator("five_good_streets"); ok {
		label = ind.Label
	}
	batch := itoa(*up.BatchID)
	for lang, wants := range map[string][]string{
		"zh": {"张三 上传了第 " + batch + " 批（街道01，1 行）", "admin 新建了账户 李四（数据专干，街道01、街道02）", "admin 停用了账户 zed",
			"admin 将 " + label + " 2023 年的目标由", "张三 登录", "改为 55%", ">导入数据<"},
		"en": {"张三 uploaded batch " + batch + " (街道01, 1 rows)", "admin created the account 李四 (data clerk, 街道01, 街道02)",
			"admin disabled the account zed", "张三 logged in", "to 55%"},
	} {
		_, _, page := send(t, admin, "GET", ts.URL+"/admin/audit?lang="+lang, nil)
		for _, w := range wants {
			if !strings.Contains(page, w) {
				t.Errorf("audit log (%s) lacks %q", lang, w)
			}
		}
		for _, code := range []string{">user_add<", "role=clerk", "sha256=", ">upload<"} {
			if strings.Contains(page, code) {
				t.Errorf("audit log (%s) shows the code %q", lang, code)
			}
		}
	}
}

// TestBackupsPage: "立即备份" writes a checked backup; the page shows the
// last backup's time, size and check, and the restore command with this
// server's paths; a cross-site POST writes nothing.
func TestBackupsPage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	ts, _ := privateServerWith(t, func(s *web.Server) { s.BackupDir, s.BackupKeep = dir, 5 }, auth.User{Name: "admin", Role: auth.Admin})
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	_, _, page := send(t, admin, "GET", ts.URL+"/admin/backups?lang=zh", nil)
	if !strings.Contains(page, "还没有备份") || !strings.Contains(page, "jindu restore --db "+ts.DB.Path) {
		t.Errorf("empty backups page:\n%s", page)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/admin/backups", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := admin.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("cross-site backup: %v %v", resp, err)
	}
	if bs, _ := db.ListBackups(dir); len(bs) != 0 {
		t.Fatal("a cross-site POST wrote a backup")
	}
	code, _, page := send(t, admin, "POST", ts.URL+"/admin/backups?lang=zh", url.Values{})
	bs, _ := db.ListBackups(dir)
	if code != 200 || len(bs) != 1 || !strings.Contains(page, "完整性检查通过") {
		t.Fatalf("backup now: %d, %d backups", code, len(bs))
	}
	info, err := os.Stat(bs[0].Path)
	if err != nil || info.Size() == 0 {
		t.Fatal(err)
	}
	_, _, page = send(t, admin, "GET", ts.URL+"/admin/backups?lang=zh", nil)
	for _, want := range []string{"上次备份", bs[0].Time.Local().Format("2006-01-02 15:04:05"), "写入时完整性与外键检查通过",
		"jindu restore --db " + ts.DB.Path + " --from " + bs[0].Path, `data-testid="backup-now"`} {
		if !strings.Contains(page, want) {
			t.Errorf("backups page lacks %q", want)
		}
	}
	// A failed attempt after it is said.
	ts.Web.NoteBackup(bs[0].Time.Add(60e9), os.ErrPermission)
	if _, _, page = send(t, admin, "GET", ts.URL+"/admin/backups?lang=en", nil); !strings.Contains(page, "failed; see the server log") {
		t.Error("a later failed backup is not shown")
	}
}

// TestTargetsPreview: the targets page names indicators, never their keys;
// "预览影响" lists the statuses the new targets would change and stores
// nothing.
func TestTargetsPreview(t *testing.T) {
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	// privateServer's data: in 2023, 6 of 13 streets 五好 (46.2%).
	admin := ts.client(t)
	ts.login(t, admin, "admin", testPassword)
	_, _, page := send(t, admin, "GET", ts.URL+"/admin/targets?lang=zh", nil)
	if strings.Contains(page, "<code>five_good_streets</code>") || strings.Contains(page, ">five_good_streets<") {
		t.Error("the targets page shows developer keys")
	}
	ind, _ := metrics.DefaultProgram().Indicator("five_good_streets")
	before := dumpDB(t, ts)
	code, _, page := send(t, admin, "POST", ts.URL+"/admin/targets?lang=zh", url.Values{"preview": {"1"}, "five_good_streets.2023": {"50"}})
	if code != 200 || !strings.Contains(page, `data-testid="targets-preview"`) || !strings.Contains(page, "将改变 1 项达标状态") ||
		!strings.Contains(page, "<td data-label=\"范围\">全区</td><td data-label=\"指标\">"+ind.Label+"</td>") ||
		!strings.Contains(page, "→ 未达标（目标 50%）") || !strings.Contains(page, `name="five_good_streets.2023" value="50"`) {
		t.Errorf("preview: %d\n%s", code, page)
	}
	if dumpDB(t, ts) != before {
		t.Error("the preview stored something")
	}
	// Saved: the status changes.
	send(t, admin, "POST", ts.URL+"/admin/targets", url.Values{"five_good_streets.2023": {"50"}})
	var r struct {
		Rows []struct {
			Indicator string
			Year      int
			Met       *bool
		}
	}
	resp, _ := admin.Get(ts.URL + "/api/metrics?year=2023")
	jsonDecode(resp.Body, &r)
	resp.Body.Close()
	for _, x := range r.Rows {
		if x.Indicator == "five_good_streets" && (x.Met == nil || *x.Met) {
			t.Errorf("after saving 50%%: %+v", x)
		}
	}
}
