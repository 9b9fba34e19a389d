package components

// Crumb is one breadcrumb; the last one (the current page) has no URL.
type Crumb struct {
	Label string
	URL   string
}

// Link is a labelled link, e.g. an entry of an indicator selector.
type Link struct {
	Label   string
	URL     string
	Current bool
}

// OutlookView is an indicator's outlook as shown: a label (已达标 …), its
// CSS class and one sentence of detail (projection, year reached).
type OutlookView struct {
	Label string
	// Short is the label for a table that has its own status column: the
	// outlook alone, without "本年未达标，" or the projection.
	Short  string
	Class  string // met, ontrack, accelerate, offtrack, none
	Detail string
}

// IncompleteMark is the mark on a percentage computed from incomplete data.
const IncompleteMark = "※"

// AnalysisCard is a headline card with its outlook and completeness mark.
type AnalysisCard struct {
	Card
	Outlook    *OutlookView
	Incomplete string // the mark's explanation; empty when complete
}

// DashboardAnalysis is what the dashboard shows beyond the foundation's
// view model: outlooks and completeness marks per card (aligned with
// Dashboard.Cards), reporting completeness and the street comparison.
type DashboardAnalysis struct {
	Outlooks     []*OutlookView
	Incomplete   []string // per card: the mark's explanation, or ""
	Reported     string   // "已上报 11/13 个街道"
	Missing      string   // streets that have not reported, or ""
	Comparison   *Chart
	ChartLink    string // data-link of the comparison chart
	ChartQuery   string // data-link-query
	Indicators   []Link // comparison indicator selector
	StreetsURL   string // the full comparison page
	StreetsLabel string
	// Todos are the signed-in user's to-dos (streets to report, batches
	// sent back, the review queue).
	Todos []Link
}

// Col is a column of a sortable table.
type Col struct {
	Label string
	Num   bool
	// Gap marks a column of amounts still needed ("还需"): its first click
	// sorts the largest first.
	Gap bool
}

// TCell is a cell of a sortable table: Sort is the value sorted on (a
// number for numeric columns; the text otherwise), URL makes it a link.
type TCell struct {
	Text  string
	Sort  string
	URL   string
	Num   bool
	Class string
}

// SortTable is a table that web/static/js/tables.js makes sortable (and
// filterable when Filter is set). It is a complete, readable table without
// script.
type SortTable struct {
	ID          string // unique on the page, no hyphens
	Caption     string
	Cols        []Col
	Rows        [][]TCell
	Filter      bool
	FilterLabel string
	Empty       string // shown instead of the table when there are no rows
	// Unmet marks the rows of units that have not reached the rating (one
	// per row, or none). With UnmetLabel set, a "只看未达标" switch hides
	// the others: ticked from the start on phones (tables.js) or when
	// UnmetOnly is set (?unmet=1); the switch itself is CSS, so it also
	// works without script.
	Unmet      []bool
	UnmetLabel string
	UnmetOnly  bool
}

// ChartLink makes a chart's bars open a page: data-link + name + query.
type ChartLink struct {
	Chart
	Link  string
	Query string
	Tall  bool
}

// Section is a headed part of an analysis page.
type Section struct {
	ID      string
	Heading string
	Intro   string
	Charts  []ChartLink
	Tables  []SortTable
	Notes   []string
}

// AnalysisPage is a generic analysis page: breadcrumbs, heading, selectors,
// headline cards and sections. The street, community, comparison, stars
// and compare-years pages all use it.
type AnalysisPage struct {
	Page
	Crumbs  []Crumb
	Heading string
	Subhead string
	// Verdict is the year's verdict (a street page), first on the page.
	Verdict   *VerdictView
	Years     []YearLink
	YearsName string // aria-label of the year selector
	Selectors []Selector
	Cards     []AnalysisCard
	// CardsHeading names the cards for screen readers (an h2 between the
	// page's h1 and the cards' h3).
	CardsHeading string
	Sections     []Section
	Form         *CompareForm
	// CorrectURL is the online correction form for this unit and year
	// (在线修改), for those who may change its data; "" otherwise.
	CorrectURL string
}

// Selector is a labelled row of links (indicator, level …).
type Selector struct {
	Label string
	Links []Link
}

// CompareForm is the compare-years form (plain GET, no script).
type CompareForm struct {
	Action      string
	Lang        string
	FromLabel   string
	ToLabel     string
	StreetLabel string
	Submit      string
	Years       []Option
	From, To    string
	Streets     []Option
	Street      string
}

// Option is a <select> option.
type Option struct {
	Value string
	Label string
}
