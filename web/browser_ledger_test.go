package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"jindu/auth"
)

// messyLedger is 街道01's 2024 ledger as a clerk keeps it: a title and a
// unit line, a two-row header with the stars under a merged group
// heading, 年份/街道/社区 merged down, a 小计 row, footnotes, clerks'
// spellings, and one column (业委会) missing. Nothing is stored for 2024,
// so the preview compares with 2023.
func messyLedger(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "街道01"
	f.SetSheetName("Sheet1", sh)
	rows := [][]any{
		{"街道01 2024年小区“五星”创建台账"},
		{"填报单位：街道01办事处　　单位：个"},
		{"序号", "年份", "街道名称", "社区名称", "小区名称", "星级（颗）", "五星创建情况", nil, nil, nil, nil, "是否建立小区党支部", "备注"},
		{nil, nil, nil, nil, nil, nil, "党建引领星", "便民服务星", "文明风尚星", "和谐稳定星", "美丽宜居星"},
		{1, 2024, "街道01", "社区1", "小区1-1", "★★★☆☆", "√", "√", "√", "×", "×", "有"},
		{2, nil, nil, nil, "小区1-2", "五星级", "√", "√", "√", "√", "√", "有"},
		{3, nil, nil, nil, "小区1-3", 2, "√", "√", "×", "×", "×", "无", "整改中"},
		{4, nil, nil, "社区2", "小区2-1", "零星", "×", "×", "×", "×", "×", "已建立"},
		{"小计", nil, nil, nil, nil, nil},
		{},
		{"填报人：李明　　联系电话：13800000000"},
		{"注：星级按区委组织部评定结果填写"},
	}
	for r, row := range rows {
		for c, v := range row {
			if v != nil {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				f.SetCellValue(sh, cell, v)
			}
		}
	}
	for _, m := range [][2]string{{"A1", "M1"}, {"A2", "M2"}, {"G3", "K3"}, {"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "D4"},
		{"E3", "E4"}, {"F3", "F4"}, {"L3", "L4"}, {"M3", "M4"}, {"B5", "B8"}, {"C5", "C8"}, {"D5", "D7"}, {"A11", "M11"}, {"A12", "M12"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An administrator uploads the messy ledger through the page: the preview
// shows what every field changes against 2023, the notes, and the missing
// column; nothing breaks on a phone or a wall screen. With
// JINDU_SCREENSHOT_DIR set, screenshots of the upload page and the preview
// are written there (375×800 and 1920×1080, zh and en).
func TestBrowserMessyLedgerPreview(t *testing.T) {
	b := newBrowser(t)
	ts, _ := privateServer(t, auth.User{Name: "admin", Role: auth.Admin})
	file := filepath.Join(t.TempDir(), "街道01-2024台账.xlsx")
	if err := os.WriteFile(file, messyLedger(t), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=zh"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user"]`)),
	); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("JINDU_SCREENSHOT_DIR")
	shoot := func(name string, w, h int64) {
		t.Helper()
		if dir == "" {
			return
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/upload"), chromedp.WaitVisible(chromedp.CSS(`input[type="file"]`))); err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`input[type="file"]`), "accept"))
	if accept := attr.Value; err != nil || !strings.Contains(accept, ".xls,") || !strings.Contains(accept, ".ods") || !strings.Contains(accept, ".xlsx") {
		t.Errorf("file picker accepts %q (%v)", accept, err)
	}
	for _, l := range []string{"zh", "en"} {
		chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/upload?lang="+l), chromedp.WaitVisible(chromedp.CSS(`input[type="file"]`)))
		shoot("upload-"+l+"-375.png", 375, 800)
		shoot("upload-"+l+"-1920.png", 1920, 1080)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/upload?lang=zh"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply"]`)),
	); err != nil {
		t.Fatalf("upload through the page: %v", err)
	}
	preview, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	changes := text(`[data-testid="changes"]`)
	for _, want := range []string{"街道01", "小区1-1", "与 2023 年比较", "星级", "1★", "3★", "美丽宜居星", "小区党支部"} {
		if !strings.Contains(changes, want) {
			t.Errorf("changes lack %q:\n%s", want, changes)
		}
	}
	if n := text(`[data-testid="notices"]`); !strings.Contains(n, "业委会") {
		t.Errorf("notices %q", n)
	}
	warnings := text(`[data-testid="warnings"]`)
	for _, want := range []string{"已跳过第 1–2 行（标题）", "title_rows_skipped", "total_row_skipped", "footnote_skipped", "merged_filled"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q", want)
		}
	}
	if s := text(`[data-testid="preview-changed"]`); !strings.Contains(s, "上升 2") {
		t.Errorf("summary %q", s)
	}
	shoot("preview-zh-375.png", 375, 800)
	shoot("preview-zh-1920.png", 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(preview+"?lang=en"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply"]`))); err != nil {
		t.Fatal(err)
	}
	if w := text(`[data-testid="warnings"]`); !strings.Contains(w, "Rows 1–2 skipped (title).") {
		t.Errorf("English warnings:\n%s", w)
	}
	shoot("preview-en-375.png", 375, 800)
	shoot("preview-en-1920.png", 1920, 1080)
	b.check(t, ts.URL)
}
