package components

// VerdictView is the verdict at the top of the dashboard: one sentence,
// then the streets behind on each missed target, worst first.
type VerdictView struct {
	Label    string // the section's accessible name
	Sentence string
	Behind   string // heading of the lagging streets
	Groups   []VerdictGroup
}

// VerdictGroup is one missed target with its lagging streets.
type VerdictGroup struct {
	Name    string // “五星”小区
	URL     string // its work list, or "" for a target without one
	URLText string
	Streets []VerdictStreet
	More    string // "另 3 个街道", when not every street is listed
}

// VerdictStreet is a lagging street: percent and "还需 N 个".
type VerdictStreet struct {
	Name    string
	URL     string
	Percent string
	Needs   string
}

// WorkListPage is the work list (还差谁、还差几个) of one rating target.
type WorkListPage struct {
	Page
	Crumbs     []Crumb
	Heading    string
	Subhead    string
	TargetNote string
	Years      []YearLink
	YearsName  string
	Indicators Selector
	Form       WorkListForm
	XLSXURL    string
	XLSXLabel  string
	PrintNote  string
	// Summary is the scope's sentence (district or street); Overview
	// lists the scopes below it that are behind.
	Summary  string
	Overview SortTable
	Groups   []WorkGroupView
	Note     string
}

// WorkListForm picks a street (plain GET, no script).
type WorkListForm struct {
	Action    string
	Lang      string
	Indicator string
	Year      string
	Label     string
	Submit    string
	Streets   []Option
	Street    string
}

// WorkGroupView is one scope behind: its sentence and its ranked units.
type WorkGroupView struct {
	ID        string
	Heading   string
	Sentence  string
	Table     SortTable
	More      string // "only the N closest are listed …", or ""
	MoreURL   string
	MoreLabel string
}
