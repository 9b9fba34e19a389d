// Package ingest parses the ledgers (台账) clerks upload — CSV in UTF-8,
// GBK/GB18030 or UTF-16, or Excel .xlsx — into validated metrics.Record
// values. It streams: rows are handed to a callback as they are read, and
// memory stays bounded for files of a million rows. Every problem found is
// reported with its row and column as the clerk sees them in Excel, with a
// stable English code and a message in Simplified Chinese.
//
// Problem codes. Errors (the row, or for file-level ones the file, is not
// imported):
//
//	unsupported_format  neither CSV nor .xlsx (Parse also returns ErrUnsupportedFormat)
//	empty_file          no content at all
//	no_header           no recognised column name in the first row (CSV) or any sheet (.xlsx)
//	missing_column      年份 or 街道 missing, or 社区 missing beside 小区 (file-level)
//	duplicate_header    two columns mean the same field
//	header_only         a header but no data rows
//	bad_encoding        invalid bytes or U+FFFD in a row
//	nul_byte            a NUL byte in a row
//	ragged_row          a CSV row with more or fewer fields than the header
//	unclosed_quote      a quote never closed (the rest of the file cannot be read)
//	bad_quote           a stray quote inside a field
//	bad_xlsx            a damaged workbook or sheet
//	file_too_large      a workbook larger than Options.XLSXUnzipLimit unzipped
//	too_many_rows       more than Options.MaxRows data rows (parsing stops)
//	empty_required      year or street empty, or a compound without its community
//	bad_year            not 2000–2100 written in digits
//	street_not_allowed  Options.StreetAllowed refused the street
//	too_long            a name longer than 100 characters
//	bad_community_type  not 城市 / 涉农
//	bad_bool            not a yes/no value
//	bad_stars           an unreadable star count
//	stars_out_of_range  a star count outside 0–5
//	stars_disagree      星级 contradicts the five star columns
//	duplicate_unit      the same unit and year again in the file
//	too_many_errors     the final entry when more than MaxStoredProblems errors
//
// Warnings (no row is rejected for them; example rows are skipped):
//
//	unknown_column      a column name not recognised (the column is ignored)
//	not_reported        empty cells or a missing column, one warning per column
//	ignored_value       values in a column that does not apply to the row's level, per column
//	unnamed_column      values in a column without a name, per column
//	sheet_skipped       a workbook sheet whose first row is not a header
//	format_mismatch     the content's format differs from the extension
//	example_row         a template example row (street 示例街道), skipped
//	too_many_warnings   the final entry when more than MaxStoredProblems warnings
//
// The package knows nothing of HTTP or databases.
package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"jindu/metrics"
)

// Options controls parsing.
type Options struct {
	// MaxRows is the most data rows accepted; 0 means DefaultMaxRows. More
	// rows stop the parse with error code too_many_rows.
	MaxRows int
	// StreetAllowed says whether the uploader may submit rows of a street
	// (given its normalised name); nil allows all. A false answer is error
	// street_not_allowed on that row.
	StreetAllowed func(name string) bool
	// XLSXUnzipLimit caps the total uncompressed size of an .xlsx file
	// against zip bombs; 0 means DefaultXLSXUnzipLimit. Larger files get
	// error code file_too_large.
	XLSXUnzipLimit int64
}

// Defaults of Options.
const (
	DefaultMaxRows        = 2_000_000
	DefaultXLSXUnzipLimit = 64 << 20
)

// Bounds of a report: at most MaxStoredProblems errors and as many warnings
// are stored; the rest are counted in a final too_many_errors (or
// too_many_warnings) problem.
const MaxStoredProblems = 1000

// ErrUnsupportedFormat is returned (wrapped, with the reason) when a file is
// neither CSV nor .xlsx.
var ErrUnsupportedFormat = errors.New("不支持的文件格式：请上传 CSV 文件（UTF-8、GBK/GB18030 或 UTF-16 编码）或 Excel .xlsx 文件")

// Problem is one error or warning. Row is the row as the clerk sees it in
// Excel (header = row 1); 0 when file-level.
type Problem struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"` // empty for CSV
	Row   int    `json:"row"`
	// Column is the header text as written in the file (e.g. "星级"); for
	// missing_column the expected header; "" if none.
	Column string `json:"column,omitempty"`
	// Value is the offending cell, made valid UTF-8 and shortened.
	Value string `json:"value,omitempty"`
	// Code is a stable English code, e.g. stars_out_of_range.
	Code string `json:"code"`
	// Message is in Simplified Chinese, written for the clerk.
	Message string `json:"message"`
}

// String returns the CLI form: "file.csv:7: 星级: message", with the sheet
// for workbooks ("file.xlsx[Sheet1]:7: …"); row and column are left out
// when not known.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Sheet != "" {
		b.WriteString("[" + p.Sheet + "]")
	}
	if p.Row > 0 {
		b.WriteString(":" + strconv.Itoa(p.Row))
	}
	b.WriteString(": ")
	if p.Column != "" {
		b.WriteString(p.Column + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Row is one valid record with where it came from.
type Row struct {
	Record metrics.Record
	File   string
	Sheet  string // empty for CSV
	Line   int    // the row as seen in Excel (header = 1)
}

// Report summarises a parse.
type Report struct {
	// Rows is the number of valid rows (those passed to emit).
	Rows int `json:"rows"`
	// Invalid is the number of data rows rejected because of errors.
	Invalid  int       `json:"invalid"`
	Errors   []Problem `json:"errors"`
	Warnings []Problem `json:"warnings"`
	// Encoding of a CSV file: "utf-8", "utf-8-bom", "gb18030", "utf-16le"
	// or "utf-16be"; empty for .xlsx.
	Encoding string `json:"encoding,omitempty"`
	// Format is "csv" or "xlsx"; empty when unsupported.
	Format string `json:"format"`
}

// sniffSize is how much of a file is examined to tell its format, encoding
// and delimiter.
const sniffSize = 64 << 10

// parser holds the state of one Parse call.
type parser struct {
	name   string
	opts   Options
	emit   func(Row) error
	rep    Report
	nErr   int
	nWarn  int
	stop   bool  // too many rows, unrecoverable stream error or emit error
	emitEr error // error returned by emit
	inEmit bool

	dataRows int
	seed     maphash.Seed
	seen     map[uint64]uint64 // unit key → sheet index<<32 | row
	sheets   []string          // sheet names by index
	headers  int               // recognised header rows
}

// Parse reads one file named name (format from extension .csv/.txt/.xlsx,
// falling back to content sniffing: xlsx is a zip "PK\x03\x04"); it calls
// emit for each valid row in file order (emit may be nil); rows with errors
// are not emitted. It returns the report; err is only for I/O failures, an
// error returned by emit, or an unsupported format (ErrUnsupportedFormat,
// wrapped).
//
// Duplicate units are found by a 64-bit hash of year and names; the first
// row of a unit is emitted and later ones are errors, so callers that must
// not import a file with errors should buffer or stage the rows.
func Parse(name string, r io.Reader, opts Options, emit func(Row) error) (Report, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.XLSXUnzipLimit <= 0 {
		opts.XLSXUnzipLimit = DefaultXLSXUnzipLimit
	}
	p := &parser{
		name: name, opts: opts, emit: emit,
		seed: maphash.MakeSeed(),
		seen: map[uint64]uint64{},
		rep:  Report{Errors: []Problem{}, Warnings: []Problem{}},
	}
	err := p.run(r)
	p.finish()
	if err == nil && p.emitEr != nil {
		err = p.emitEr
	}
	return p.rep, err
}

func (p *parser) run(r io.Reader) error {
	br := bufio.NewReaderSize(r, sniffSize+utf8.UTFMax)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF {
		return fmt.Errorf("ingest: reading %s: %w", p.name, err)
	}
	atEOF := err == io.EOF
	format, mismatch, reason := detectFormat(p.name, head)
	switch format {
	case "xlsx":
		if mismatch {
			p.warn(Problem{Code: "format_mismatch", Message: "文件扩展名不是 .xlsx，但内容是 Excel 工作簿，已按 .xlsx 读取"})
		}
		return p.parseXLSX(br)
	case "csv":
		if mismatch {
			p.warn(Problem{Code: "format_mismatch", Message: "文件扩展名是 .xlsx，但内容是文本，已按 CSV 读取"})
		}
		return p.parseCSV(br, head, atEOF)
	}
	p.error(Problem{Code: "unsupported_format", Message: reason + "。" + ErrUnsupportedFormat.Error()})
	return fmt.Errorf("ingest: %s: %s: %w", p.name, reason, ErrUnsupportedFormat)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// detectFormat decides between "csv" and "xlsx" from the name's extension
// and the content's first bytes; "" means unsupported, with reason (in
// Chinese). mismatch is set when content overrode the extension.
func detectFormat(name string, head []byte) (format string, mismatch bool, reason string) {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	ext := ""
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		ext = strings.ToLower(base[i:])
	}
	isZip, isOLE := bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, oleMagic)
	text := looksText(head)
	switch ext {
	case ".csv", ".txt", ".tsv":
		switch {
		case isZip:
			return "xlsx", true, ""
		case isOLE:
			return "", false, "文件内容是旧版 Excel（.xls）或加密的工作簿，只是扩展名为 " + ext
		}
		return "csv", false, ""
	case ".xlsx", ".xlsm":
		switch {
		case isZip:
			return "xlsx", false, ""
		case isOLE:
			return "", false, "文件已设置密码，或实际是旧版 Excel 97-2003（.xls）格式；请取消密码或“另存为” .xlsx"
		case text:
			return "csv", len(head) > 0, ""
		}
		return "", false, "文件扩展名是 " + ext + "，但内容不是有效的 Excel 工作簿"
	case "":
		switch {
		case isZip:
			return "xlsx", false, ""
		case isOLE:
			return "", false, "文件是旧版 Excel（.xls）或加密的工作簿"
		case text:
			return "csv", false, ""
		}
		return "", false, "无法识别文件内容"
	case ".xls", ".et":
		if isZip {
			return "xlsx", true, ""
		}
		return "", false, "不支持 " + ext + " 格式；请在 Excel 或 WPS 中“另存为” .xlsx 或 CSV"
	}
	return "", false, "不支持扩展名为 " + ext + " 的文件"
}

// looksText reports whether head can be a text file: it has a UTF-16 BOM or
// no NUL byte.
func looksText(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return true
	}
	return bytes.IndexByte(head, 0) < 0
}

// problem fills the file name and sanitises the value.
func (p *parser) fill(pr Problem) Problem {
	pr.File = p.name
	pr.Value = cleanValue(pr.Value)
	return pr
}

func (p *parser) error(pr Problem) {
	p.nErr++
	if len(p.rep.Errors) < MaxStoredProblems {
		p.rep.Errors = append(p.rep.Errors, p.fill(pr))
	}
}

func (p *parser) warn(pr Problem) {
	p.nWarn++
	if len(p.rep.Warnings) < MaxStoredProblems {
		p.rep.Warnings = append(p.rep.Warnings, p.fill(pr))
	}
}

// finish adds the file-level conclusions and caps.
func (p *parser) finish() {
	if p.rep.Format != "" && p.headers > 0 && p.dataRows == 0 && !p.stop {
		p.error(Problem{Code: "header_only", Message: "文件只有表头，没有数据行"})
	}
	if p.nErr > MaxStoredProblems {
		p.rep.Errors = append(p.rep.Errors, p.fill(Problem{Code: "too_many_errors", Value: strconv.Itoa(p.nErr),
			Message: fmt.Sprintf("错误太多：共 %d 个，只列出前 %d 个。请先改正已列出的错误后重新上传", p.nErr, MaxStoredProblems)}))
	}
	if p.nWarn > MaxStoredProblems {
		p.rep.Warnings = append(p.rep.Warnings, p.fill(Problem{Code: "too_many_warnings", Value: strconv.Itoa(p.nWarn),
			Message: fmt.Sprintf("提醒太多：共 %d 条，只列出前 %d 条", p.nWarn, MaxStoredProblems)}))
	}
}

// cleanValue makes a cell printable in a report: valid UTF-8, NUL shown as
// \0, at most 100 characters.
func cleanValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", `\0`)
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:100]) + "…"
	}
	return s
}

// WriteProblemsCSV writes problems as a CSV for Excel: UTF-8 with a BOM,
// header 文件,工作表,行,列,值,代码,说明. Cells starting with = + - @, a
// tab, a carriage return or a line feed get a leading ' so that Excel does
// not run them as formulas.
func WriteProblemsCSV(w io.Writer, ps []Problem) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"文件", "工作表", "行", "列", "值", "代码", "说明"}); err != nil {
		return err
	}
	for _, pr := range ps {
		row := ""
		if pr.Row > 0 {
			row = strconv.Itoa(pr.Row)
		}
		rec := []string{pr.File, pr.Sheet, row, pr.Column, pr.Value, pr.Code, pr.Message}
		for i, c := range rec {
			rec[i] = neutralise(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralise prefixes a cell that a spreadsheet would read as a formula.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}
