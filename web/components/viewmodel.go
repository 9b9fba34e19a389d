// Package components holds Jindu's templ components. They receive view
// models (plain, already-localised values), never database rows.
package components

import (
	"jindu/web/i18n"
	"strconv"
)

// Page is what the layout needs around every page.
type Page struct {
	Lang    i18n.Lang
	Title   string
	Demo    bool     // show the demo-data banner
	CSS, JS []string // content-hashed asset URLs, in load order
	Icon    string
	LangURL string // this page in the other language
	Path    string // the current path, for marking the nav item
	// Year and Indicator are the page's selected year and indicator (""
	// when none), kept by the navigation links (NavURL).
	Year, Indicator string
	DataAsOf        string // footer line: data as of …, version …
	ProgramName     string
	User            string // logged-in user's name, empty when anonymous
	RoleLabel       string
	CanUpload       bool
	CanAdmin        bool
	CanReview       bool   // a reviewer or admin: the review queue is in the nav
	Queue           int    // submitted batches the user may review (the nav's badge)
	LoginURL        string // login link that returns to this page
	// TV is the wall-screen view (?tv=1): larger type, no header or
	// footer, reloaded when Version changes (polled every PollMS ms).
	TV     bool
	TVURL  string // this page as a wall screen (the "大屏" link), or ""
	TVExit string // this page without it
	// TVScript is tv.js's URL (set with TV), loaded whatever JS a page sets.
	TVScript string
	Version  string
	PollMS   int64
	// Notice tells an uploader that batches of theirs were rolled back
	// since they last opened the history; empty otherwise.
	Notice string
	// Locked says the page's figures are locked (已封账): by whom, when.
	Locked string
}

// YearLink is one entry of the year selector.
type YearLink struct {
	Label   string
	URL     string
	Current bool
}

// Card is one headline indicator.
type Card struct {
	Label   string
	Percent string // "23.1%" or "—"
	Counts  string // "3/13"
	Target  string // "目标 20%" or "无数值目标"
	Status  string // localised met / not met / no data
	Class   string // met, unmet, none
	Needed  string // "还需 3 个街道", empty when none
	Unknown string // "2 个未填报", empty when none
	// Bar is a completion indicator's percent for its progress bar
	// ("96.5"); empty for a rating (charted instead) or without data.
	Bar string
	// WorkURL is the work list of a rating target missed by the district
	// or some street; empty otherwise.
	WorkURL, WorkText string
}

// Chart is one chart with its accessible summary and its data table.
type Chart struct {
	ID      string // unique, no hyphens
	Title   string
	Summary string // one sentence, for aria-label and figcaption
	Options any    // go-echarts options, emitted with templ.JSONScript
	Table   Table
	// Images are the chart drawn on the server, one per box width (the
	// page shows the one for its box and loads no chart script until
	// someone points at a chart); none: charts.js draws it at once.
	Images []ChartImage
}

// ChartImage is a chart drawn on the server as SVG for boxes at least
// Width px wide, as a data: URL.
type ChartImage struct {
	Width, Height int // the drawing's size, which the box scales to its width
	Src           string
}

// Class is the image's CSS class, which shows it for its box widths.
func (i ChartImage) Class() string { return "w" + strconv.Itoa(i.Width) }

// Table is a plain table of the numbers a chart shows.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
}

// Cell is a table cell; Num right-aligns it.
type Cell struct {
	Text string
	Num  bool
}

// Dashboard is the overview page.
type Dashboard struct {
	Page
	Heading string
	Years   []YearLink
	Cards   []Card
	Charts  []Chart
	Verdict *VerdictView // the year's verdict, first on the page
	Empty   bool         // no data at all
	CSVURL  string
	// CSVStreetsURL is the same export with every street's rows.
	CSVStreetsURL string
	// ReportURL is the printable report; PDFURL its PDF, empty with
	// PDFNote saying why when the server cannot make PDF.
	ReportURL string
	PDFURL    string
	PDFNote   string
	BriefURL  string // the one-page brief of the year
}
