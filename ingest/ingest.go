// Package ingest parses the ledgers (台账) clerks upload — CSV in UTF-8,
// GBK/GB18030 or UTF-16, Excel .xlsx and .xls (BIFF8), or .ods — into
// validated metrics.Record values. It streams: rows are handed to a
// callback as they are read, and memory stays bounded for files of a
// million rows. It reads ledgers as clerks keep them: title rows above the
// header, two-row headers, merged and blank hierarchy cells, 合计/小计 rows,
// footnotes, hidden rows, summary sheets, one sheet per street, and the
// spellings of headers and values clerks use.
//
// Every problem found is reported with its row and column as the clerk
// sees them in Excel and a stable English code with parameters
// (Problem.Params); the package words nothing: jindu/web/i18n holds the
// messages, in Chinese and English. Params["reason"] picks a variant of a
// code's message; Count and Rows say how many cells or rows a problem
// stands for, and Params["rows"] lists them as runs ("5–9、12–22").
//
// Problem codes. Errors (the row, or for file-level ones the file, is not
// imported):
//
//	unsupported_format  none of CSV, .xlsx, .xls, .ods (Parse also returns ErrUnsupportedFormat); reason extension, content, not_workbook
//	empty_file          no content at all
//	no_header           no header (two recognised column names) in the first 20 rows: of a CSV (reason csv), of a sheet holding a grid of data (sheet), of any sheet (workbook)
//	missing_column      年份 or 街道 missing, or 社区 missing beside 小区 (reason year, street, community)
//	duplicate_header    two columns mean the same field
//	similar_column      a header close to a known one (params col, field: the suggestion)
//	header_only         a header but no data rows
//	bad_encoding        invalid bytes or U+FFFD in a row (reason: the encoding, or decoder)
//	nul_byte            a NUL byte in a row
//	ragged_row          a CSV row with more or fewer fields than the header
//	unclosed_quote      a quote never closed (the rest of the file cannot be read)
//	bad_quote           a stray quote inside a field
//	bad_xlsx, bad_xls, bad_ods  a damaged workbook (reason damaged), sheet (sheet) or row (row); bad_xls reason old: Excel 95 or older
//	encrypted_file      a password-protected workbook
//	file_too_large      a workbook larger than Options.XLSXUnzipLimit unzipped
//	file_too_large      also reason cells: an .xls sheet with more than 2,097,152 cells; strings: more shared strings than a ledger has
//	too_many_rows       more than Options.MaxRows data rows (parsing stops)
//	too_many_new_units  the file would create more than Options.MaxNewUnits units (params limit); reason streets: more than a twentieth of them streets
//	parse_stopped       parsing stopped: the request's context ended (the client left), or reason timeout: Options.Timeout passed (params limit)
//	empty_required      year or street empty, or a compound without its community (reason year, street, compound)
//	bad_year            not a year 2000–2100 (reason chinese, range)
//	street_not_allowed  Options.StreetAllowed refused the street
//	too_long            a name longer than 100 characters
//	lost_characters     a name holding "?", "？" or U+FFFD: a character lost in an export
//	bad_community_type  not 城市 / 涉农 (农村)
//	bad_bool            not a yes/no value
//	bad_stars           an unreadable star count
//	stars_out_of_range  a star count outside 0–5
//	stars_disagree      星级 contradicts the five star columns
//	duplicate_unit      the same unit and year again in the file
//	too_many_errors     the final entry when more than MaxStoredProblems errors
//
// The errors of a refused value (bad_year, bad_bool, bad_stars,
// stars_out_of_range, bad_community_type, lost_characters,
// street_not_allowed, empty_required, too_long) are grouped: one problem
// per sheet, column and distinct value, with its Count and first Rows.
//
// Warnings (no row is rejected for them; each lists its rows):
//
//	title_rows_skipped    rows above the header (title, subtitle, unit line)
//	total_row_skipped     合计 / 总计 / 小计 / 汇总 rows
//	footnote_skipped      footnotes under the table (填报人、联系电话、注：…)
//	merged_filled         cells given their merged range's value, per column
//	blank_filled          empty 年份/街道/社区 filled from the unit row above, per column
//	hidden_rows           hidden or filtered-out rows, imported
//	summary_sheet_skipped a summary sheet (counts per street), checked against the detail
//	summary_mismatch      a summary count that differs from the detail (params summary, detail, street; reason district for the total)
//	sheet_skipped         a sheet without any table (a 填表说明 sheet)
//	unknown_column        a column name not recognised (the column is ignored)
//	not_reported          empty cells, one warning per column; reason missing: a whole indicator column missing, once per file
//	ignored_value         values in a column that does not apply to the row's level, per column
//	unnamed_column        values in a column without a name, per column
//	format_mismatch       the content's format differs from the extension (reason: xlsx, ole, csv)
//	example_row           a template example row (street 示例街道), skipped
//	too_many_warnings     the final entry when more than MaxStoredProblems warnings
//
// The package knows nothing of HTTP or databases.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"time"
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
	// ParseHook, if set, is called once at the start of every Parse: a
	// counter for tests that a flow parses a file only once.
	ParseHook func()
	// Timeout, if not 0, bounds one Parse: when it passes, or when ctx is
	// done (the client left), parsing stops within rowCheck rows with
	// error parse_stopped (reason timeout for the time limit).
	Timeout time.Duration
	// Progress, if set, is called every rowCheck rows read with the data
	// rows so far, before the context is checked.
	Progress func(ctx context.Context, dataRows int)
	// MaxNewUnits, if not 0, is the most units a file may create (its
	// batch and its dry run alike): more is error too_many_new_units and
	// nothing is imported. Import passes it to db.BatchInput.
	MaxNewUnits int
}

// rowCheck is how often (in rows read, blank ones included) a parse looks
// at its context and its time limit.
const rowCheck = 1024

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
// none of CSV, .xlsx, .xls and .ods.
var ErrUnsupportedFormat = errors.New("ingest: unsupported format: upload CSV (UTF-8, GBK/GB18030 or UTF-16), .xlsx, .xls or .ods / 不支持的文件格式")

// Problem is one error or warning. Row is the row as the clerk sees it in
// Excel (header = row 1); 0 when file-level. Problems carry a stable code
// and parameters, not prose: the web layer and the CLI word them in the
// reader's language (Message), see jindu/web/i18n.
type Problem struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"` // empty for CSV
	// Row is the (first) row concerned.
	Row int `json:"row"`
	// Column is the header text as written in the file (e.g. "星级"); for
	// missing_column the expected header; "" if none.
	Column string `json:"column,omitempty"`
	// Value is the offending cell, made valid UTF-8 and shortened.
	Value string `json:"value,omitempty"`
	// Code is a stable English code, e.g. stars_out_of_range.
	Code string `json:"code"`
	// Message is the problem in words, filled by the layer that shows it
	// (ingest leaves it empty).
	Message string `json:"message"`
	// Count is how many cells or rows the problem stands for when it
	// groups several (a refused value, a skipped or filled run of rows);
	// 0 or 1 for one.
	Count int `json:"count,omitempty"`
	// Rows lists the rows concerned, at most MaxListedRows of them.
	Rows []int `json:"rows,omitempty"`
	// Params are the code's parameters, e.g. {"reason": "chinese"} or
	// {"field": "party_branch"}; see the package documentation.
	Params map[string]string `json:"params,omitempty"`
}

// MaxListedRows bounds Problem.Rows.
const MaxListedRows = 10

// String returns the CLI form: "file.csv:7: 星级: message", with the sheet
// for workbooks ("file.xlsx[Sheet1]:7: …"); row and column are left out
// when not known. The message is Message, else the code.
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
	if p.Message != "" {
		b.WriteString(p.Message)
	} else {
		b.WriteString(p.Code)
	}
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
	// or "utf-16be"; empty for workbooks.
	Encoding string `json:"encoding,omitempty"`
	// Format is "csv", "xlsx", "xls" or "ods"; empty when unsupported.
	Format string `json:"format"`
}

// sniffSize is how much of a file is examined to tell its format, encoding
// and delimiter.
const sniffSize = 64 << 10

// parser holds the state of one Parse call.
type parser struct {
	ctx    context.Context
	name   string
	read   int // rows read, for the context checks
	opts   Options
	emit   func(Row) error
	rep    Report
	nErr   int // errors, each grouped occurrence counted
	nLines int // error lines (problems), for the cap
	nWarn  int
	stop   bool  // too many rows, unrecoverable stream error or emit error
	emitEr error // error returned by emit
	inEmit bool
	// oleAsXLSX: an OLE2 file named .xlsx (encrypted, or a renamed .xls).
	oleAsXLSX bool

	dataRows int
	seed     maphash.Seed
	seen     map[uint64]uint64 // unit key → sheet index<<32 | row
	sheets   []string          // sheet names by index
	headers  int               // recognised header rows
	grouped  map[groupKey]int  // grouped error → index in rep.Errors
	missing  map[field]int     // not_reported for a column no header has → index in rep.Warnings

	// Summary sheets and the detail counts they are checked against.
	summaries []summaryCell
	counts    map[string]*detailCounts
}

// Parse reads one file named name (format from the extension .csv/.txt,
// .xlsx, .xls or .ods, falling back to content sniffing: a zip is .xlsx or
// .ods, an OLE2 container .xls or an encrypted workbook); it calls emit
// for each valid row in file order (emit may be nil); rows with errors
// are not emitted. It returns the report; err is only for I/O failures,
// an error returned by emit, or an unsupported format
// (ErrUnsupportedFormat, wrapped).
//
// Duplicate units are found by a 64-bit hash of year and names; the first
// row of a unit is emitted and later ones are errors, so callers that must
// not import a file with errors should buffer or stage the rows.
func Parse(ctx context.Context, name string, r io.Reader, opts Options, emit func(Row) error) (Report, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.XLSXUnzipLimit <= 0 {
		opts.XLSXUnzipLimit = DefaultXLSXUnzipLimit
	}
	if opts.ParseHook != nil {
		opts.ParseHook()
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	p := &parser{
		ctx: ctx, name: name, opts: opts, emit: emit,
		seed:    maphash.MakeSeed(),
		seen:    map[uint64]uint64{},
		grouped: map[groupKey]int{},
		missing: map[field]int{},
		rep:     Report{Errors: []Problem{}, Warnings: []Problem{}},
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
	if format == "ole" && (extension(p.name) == ".xlsx" || extension(p.name) == ".xlsm") {
		// Excel keeps a password-protected .xlsx in an OLE2 container:
		// parseZipOrOLE tells it from a renamed .xls.
		mismatch = false
		p.oleAsXLSX = true
	}
	if mismatch {
		p.warn(Problem{Code: "format_mismatch", Params: map[string]string{"reason": format, "ext": extension(p.name)}})
	}
	switch format {
	case "xlsx", "ods", "ole":
		return p.parseZipOrOLE(format, br)
	case "csv":
		return p.parseCSV(br, head, atEOF)
	}
	p.error(Problem{Code: "unsupported_format", Params: map[string]string{"reason": reason, "ext": extension(p.name)}})
	return fmt.Errorf("ingest: %s: %s: %w", p.name, reason, ErrUnsupportedFormat)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// extension is the lower-case extension of a file name, with its dot.
func extension(name string) string {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return strings.ToLower(base[i:])
	}
	return ""
}

// detectFormat decides between "csv", "xlsx"/"ods" (a zip: which one is
// told by its content later, "xlsx" meaning any zip here) and "ole" (an
// OLE2 container: .xls, or an encrypted workbook) from the name's
// extension and the content's first bytes; "" means unsupported, with a
// reason code (see the package documentation). mismatch is set when
// content overrode the extension.
func detectFormat(name string, head []byte) (format string, mismatch bool, reason string) {
	ext := extension(name)
	isZip, isOLE := bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, oleMagic)
	text := looksText(head)
	wantZip := ext == ".xlsx" || ext == ".xlsm" || ext == ".ods"
	wantOLE := ext == ".xls" || ext == ".et"
	switch ext {
	case ".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls", ".et", "":
	default:
		return "", false, "extension"
	}
	switch {
	case isZip:
		return "xlsx", ext != "" && !wantZip, ""
	case isOLE:
		return "ole", ext != "" && !wantOLE, ""
	case text:
		return "csv", (wantZip || wantOLE) && len(head) > 0, ""
	}
	if ext == "" {
		return "", false, "content"
	}
	if wantZip || wantOLE {
		return "", false, "not_workbook"
	}
	return "csv", false, ""
}

// looksText reports whether head can be a text file: it has a UTF-16 BOM or
// no NUL byte.
func looksText(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return true
	}
	return bytes.IndexByte(head, 0) < 0
}

// tick is called for every row read: every rowCheck rows it reports
// progress and stops the parse when its context is done.
func (p *parser) tick() {
	p.read++
	if p.read%rowCheck != 0 {
		return
	}
	if p.opts.Progress != nil {
		p.opts.Progress(p.ctx, p.dataRows)
	}
	p.checkContext()
}

// checkContext stops the parse with error parse_stopped when its context
// is done; it reports whether it did.
func (p *parser) checkContext() bool {
	err := p.ctx.Err()
	if err == nil {
		return false
	}
	if !p.stop || !p.hasError("parse_stopped") {
		var params map[string]string
		if errors.Is(err, context.DeadlineExceeded) && p.opts.Timeout > 0 {
			params = map[string]string{"reason": "timeout", "limit": p.opts.Timeout.String()}
		}
		p.error(Problem{Code: "parse_stopped", Params: params})
	}
	p.stop = true
	return true
}

// Stopped reports whether a report's parse was stopped by its context
// (error parse_stopped).
func (r Report) Stopped() bool {
	for _, e := range r.Errors {
		if e.Code == "parse_stopped" {
			return true
		}
	}
	return false
}

// fill sets the file name and sanitises the value.
func (p *parser) fill(pr Problem) Problem {
	pr.File = p.name
	pr.Value = cleanValue(pr.Value)
	return pr
}

func (p *parser) error(pr Problem) {
	p.nErr++
	p.nLines++
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

// groupKey identifies a grouped error: the same code, column and value
// (and reason) in one sheet.
type groupKey struct {
	sheet       int
	col         int
	code, value string
	reason      string
}

// groupError reports a refused cell, grouped with the same value refused
// in the same column before: one problem per column and distinct value,
// with its count and first rows.
func (p *parser) groupError(st *sheet, col int, pr Problem) {
	p.nErr++
	k := groupKey{st.idx, col, pr.Code, pr.Value, pr.Params["reason"]}
	if i, ok := p.grouped[k]; ok {
		e := &p.rep.Errors[i]
		e.Count++
		if len(e.Rows) < MaxListedRows {
			e.Rows = append(e.Rows, pr.Row)
		}
		return
	}
	p.nLines++
	if len(p.rep.Errors) >= MaxStoredProblems {
		return
	}
	pr.Sheet = st.name
	pr.Count = 1
	pr.Rows = []int{pr.Row}
	p.grouped[k] = len(p.rep.Errors)
	p.rep.Errors = append(p.rep.Errors, p.fill(pr))
}

// finish adds the file-level conclusions and caps.
func (p *parser) finish() {
	if !p.stop {
		p.checkContext()
	}
	if p.rep.Format != "" && p.headers > 0 && p.dataRows == 0 && !p.stop {
		p.error(Problem{Code: "header_only"})
	}
	p.checkSummaries()
	if p.nLines > MaxStoredProblems {
		p.rep.Errors = append(p.rep.Errors, p.fill(Problem{Code: "too_many_errors", Value: strconv.Itoa(p.nLines),
			Params: map[string]string{"count": strconv.Itoa(p.nLines), "shown": strconv.Itoa(MaxStoredProblems)}}))
	}
	if p.nWarn > MaxStoredProblems {
		p.rep.Warnings = append(p.rep.Warnings, p.fill(Problem{Code: "too_many_warnings", Value: strconv.Itoa(p.nWarn),
			Params: map[string]string{"count": strconv.Itoa(p.nWarn), "shown": strconv.Itoa(MaxStoredProblems)}}))
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
// the given header (e.g. 文件,工作表,行,列,值,代码,说明) and one line per
// problem with its file, sheet, row, column, value, code and message.
// Cells starting with = + - @, a tab, a carriage return or a line feed get
// a leading ' so that Excel does not run them as formulas.
func WriteProblemsCSV(w io.Writer, header []string, ps []Problem) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
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
