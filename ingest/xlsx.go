package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxXMLLimit is the size of one worksheet or the shared strings above
// which excelize spills them to a temporary file instead of memory.
const xlsxXMLLimit = 16 << 20

// limitedReader reads at most n bytes and records whether more were there.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
	err  error
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// parseXLSX parses a workbook: every sheet whose first non-empty row is a
// recognised header; other non-empty sheets are skipped with a warning.
func (p *parser) parseXLSX(r io.Reader) (err error) {
	p.rep.Format = "xlsx"
	defer func() {
		if v := recover(); v != nil {
			if p.inEmit {
				panic(v)
			}
			p.error(Problem{Code: "bad_xlsx", Message: "Excel 文件已损坏或格式异常，无法读取；请在 Excel 或 WPS 中打开后重新保存为 .xlsx"})
			p.stop = true
		}
	}()
	limit := p.opts.XLSXUnzipLimit
	lr := &limitedReader{r: r, n: limit}
	f, err := excelize.OpenReader(lr, excelize.Options{
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: min(limit, xlsxXMLLimit),
		RawCellValue:      true,
	})
	if lr.err != nil {
		return fmt.Errorf("ingest: reading %s: %w", p.name, lr.err)
	}
	if lr.over || (err != nil && strings.Contains(err.Error(), "unzip size")) {
		p.error(Problem{Code: "file_too_large",
			Message: fmt.Sprintf("Excel 文件解压后超过 %d MiB 的上限；请删除无关的工作表、图片，或拆分文件，或另存为 CSV 后上传", limit>>20)})
		return nil
	}
	if err != nil {
		msg := "Excel 文件已损坏或不是有效的 .xlsx 文件，无法读取；请在 Excel 或 WPS 中打开后重新保存为 .xlsx"
		if errors.Is(err, excelize.ErrWorkbookPassword) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			msg = "Excel 文件已加密或格式不受支持；请取消密码后另存为 .xlsx"
		} else if errors.Is(err, zip.ErrFormat) {
			msg = "文件不是有效的 .xlsx（ZIP）文件，可能已损坏；请在 Excel 或 WPS 中打开后重新保存为 .xlsx"
		}
		p.error(Problem{Code: "bad_xlsx", Message: msg})
		if f != nil {
			_ = f.Close()
		}
		return nil
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		if p.stop {
			break
		}
		p.parseSheet(f, name)
	}
	if p.headers == 0 && !p.stop {
		p.error(Problem{Code: "no_header",
			Message: "没有找到表头：工作表的第一行应是列名，如“年份”“街道”“社区”“小区”；如果第一行是标题，请删除标题行"})
	}
	return nil
}

// parseSheet parses one worksheet.
func (p *parser) parseSheet(f *excelize.File, name string) {
	rows, err := f.Rows(name)
	if err != nil {
		p.error(Problem{Sheet: name, Code: "bad_xlsx", Message: fmt.Sprintf("无法读取工作表“%s”：文件可能已损坏", name)})
		return
	}
	defer rows.Close()
	var st *sheet
	row := 0
	for !p.stop && rows.Next() {
		row++
		cells, err := rows.Columns()
		if err != nil {
			p.error(Problem{Sheet: name, Row: row, Code: "bad_xlsx", Message: fmt.Sprintf("第 %d 行无法读取：文件可能已损坏", row)})
			break
		}
		if st == nil {
			if isEmptyRow(cells) {
				continue
			}
			if st = p.header(name, cells, row, false); st == nil {
				p.warn(Problem{Sheet: name, Row: row, Code: "sheet_skipped",
					Message: fmt.Sprintf("工作表“%s”的第一行不是表头（没有“年份”“街道”等列名），已跳过；如果第一行是标题，请删除标题行", name)})
				return
			}
			continue
		}
		if len(cells) < len(st.cols) {
			cells = append(cells, make([]string, len(st.cols)-len(cells))...)
		}
		p.dataRow(st, cells, row)
	}
	if err := rows.Error(); err != nil && !p.stop {
		p.error(Problem{Sheet: name, Row: row, Code: "bad_xlsx", Message: fmt.Sprintf("工作表“%s”读取出错：%v", name, err)})
	}
	if st != nil {
		p.finishSheet(st)
	}
}
