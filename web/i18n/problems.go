package i18n

import (
	"strconv"
	"strings"
)

// The wording of the problems the ledger parser reports (package ingest):
// it gives a stable code and parameters; these are its messages. A key is
// "problem.CODE" or, for a variant, "problem.CODE.REASON" (the reason
// parameter). {name} stands for a parameter; every problem also has
// {row}, {column}, {value}, {sheet}, {count} and {rows}; {field} and
// {levels} are shown by name.
var problemMessages = map[string][2]string{
	"problem.unsupported_format.extension":    {"不支持扩展名为“{ext}”的文件。请上传 CSV（UTF-8、GBK/GB18030 或 UTF-16 编码）、Excel（.xlsx 或 .xls）或 .ods 文件", "Files with the extension “{ext}” are not supported. Upload CSV (UTF-8, GBK/GB18030 or UTF-16), Excel (.xlsx or .xls) or .ods."},
	"problem.unsupported_format.content":      {"无法识别文件内容。请上传 CSV（UTF-8、GBK/GB18030 或 UTF-16 编码）、Excel（.xlsx 或 .xls）或 .ods 文件", "The file's content is not recognised. Upload CSV (UTF-8, GBK/GB18030 or UTF-16), Excel (.xlsx or .xls) or .ods."},
	"problem.unsupported_format.not_workbook": {"文件扩展名是“{ext}”，但内容不是有效的工作簿；请在 Excel 或 WPS 中打开后重新保存", "The extension is “{ext}” but the content is not a valid workbook; open it in Excel or WPS and save it again."},
	"problem.format_mismatch.xlsx":            {"文件扩展名是“{ext}”，但内容是工作簿（.xlsx 或 .ods），已按内容读取", "The extension is “{ext}” but the content is a workbook (.xlsx or .ods); it was read as such."},
	"problem.format_mismatch.ole":             {"文件扩展名是“{ext}”，但内容是旧版 Excel（.xls），已按内容读取", "The extension is “{ext}” but the content is a legacy Excel workbook (.xls); it was read as such."},
	"problem.format_mismatch.csv":             {"文件扩展名是“{ext}”，但内容是文本，已按 CSV 读取", "The extension is “{ext}” but the content is text; it was read as CSV."},
	"problem.empty_file":                      {"文件是空的", "The file is empty."},
	"problem.empty_file.blank":                {"文件中没有任何内容", "The file holds nothing but blank lines."},
	"problem.no_header.csv":                   {"前 20 行中没有找到表头：表头是列名所在的一行，至少要有“年份”“街道”“社区”“小区”等列名中的两个", "No header in the first 20 rows: the header is the row of column names and must name at least two columns such as 年份 (year), 街道 (street), 社区 (community), 小区 (compound)."},
	"problem.no_header.sheet":                 {"工作表“{sheet}”有数据，但前 20 行中没有找到表头（至少两个可识别的列名，如“年份”“街道”）；请检查列名，或删除这个工作表", "Sheet “{sheet}” holds data but no header in its first 20 rows (at least two recognised column names such as 年份, 街道); check the column names or remove the sheet."},
	"problem.no_header.workbook":              {"没有找到表头：所有工作表的前 20 行中都没有“年份”“街道”“社区”“小区”等列名", "No header found: no sheet names columns such as 年份 (year), 街道 (street), 社区 (community) or 小区 (compound) in its first 20 rows."},
	"problem.missing_column.year":             {"缺少“年份”列（也可写作“年度”或 year）；此表的数据未导入", "The column 年份 (year) is missing (年度 or year are accepted too); this table was not imported."},
	"problem.missing_column.street":           {"缺少“街道”列（也可写作“街道名称”“街道办事处”或 street）；此表的数据未导入", "The column 街道 (street) is missing (街道名称, 街道办事处 or street are accepted too); this table was not imported."},
	"problem.missing_column.community":        {"有“小区”列时必须同时有“社区”列；此表的数据未导入", "A table with a 小区 (compound) column needs a 社区 (community) column too; this table was not imported."},
	"problem.duplicate_header":                {"第 {col} 列“{column}”与第 {first_col} 列“{first_header}”表示同一项（{field}），只能保留一列；此表的数据未导入", "Column {col} “{column}” means the same as column {first_col} “{first_header}” ({field}); keep only one. This table was not imported."},
	"problem.similar_column":                  {"第 {col} 列“{column}”无法识别：是否就是“{field}”？请把列名改为“{field}”（或删除该列）后重新上传；此表的数据未导入", "Column {col} “{column}” is not recognised: did you mean “{field}”? Rename the column (or delete it) and upload again; this table was not imported."},
	"problem.unknown_column":                  {"无法识别第 {col} 列的列名“{column}”，该列已忽略", "Column {col} “{column}” is not recognised and was ignored."},
	"problem.header_only":                     {"文件只有表头，没有数据行", "The file has a header but no data rows."},
	"problem.bad_encoding.utf-8":              {"第 {row} 行含有无法识别的字符：文件开头是 UTF-8 编码，这一行却不是（或含有乱码“\uFFFD”）。请把整个文件另存为“CSV UTF-8”后重新上传", "Row {row} holds unreadable characters: the file starts as UTF-8 but this row is not (or holds “\uFFFD”). Save the whole file as “CSV UTF-8” and upload it again."},
	"problem.bad_encoding.gb18030":            {"第 {row} 行含有无法按 GBK/GB18030 编码识别的字符（乱码）。请在 Excel 或 WPS 中另存为“CSV UTF-8”后重新上传", "Row {row} holds characters that are not valid GBK/GB18030. Save the file as “CSV UTF-8” in Excel or WPS and upload it again."},
	"problem.bad_encoding.utf-16le":           {"第 {row} 行含有无法按 UTF-16 编码识别的字符（乱码）", "Row {row} holds characters that are not valid UTF-16."},
	"problem.bad_encoding.utf-16be":           {"第 {row} 行含有无法按 UTF-16 编码识别的字符（乱码）", "Row {row} holds characters that are not valid UTF-16."},
	"problem.bad_encoding.other":              {"第 {row} 行含有乱码字符“\uFFFD”，说明文件在之前的转换中已损坏", "Row {row} holds “\uFFFD”: the file was damaged by an earlier conversion."},
	"problem.bad_encoding.decoder":            {"文件无法按 {encoding} 编码读取", "The file cannot be read as {encoding}."},
	"problem.nul_byte":                        {"第 {row} 行含有 NUL 空字节，可能文件已损坏或不是文本文件", "Row {row} holds a NUL byte: the file may be damaged or not text."},
	"problem.ragged_row":                      {"第 {row} 行有 {fields} 列，但表头有 {want} 列；请检查是否多了或少了分隔符（逗号），含逗号的内容要用英文双引号括起", "Row {row} has {fields} fields but the header has {want}; check for a missing or extra separator (comma); a cell holding a comma must be in double quotes."},
	"problem.unclosed_quote":                  {"第 {row} 行开始的英文双引号没有闭合，其后的内容都无法读取。含引号的单元格要整体用英文双引号括起，内部的引号写成两个（\"\"）", "A double quote opened on row {row} is never closed, so nothing after it can be read. Put a cell holding quotes in double quotes and double the quotes inside (\"\")."},
	"problem.unclosed_quote.too_long":         {"从第 {row} 行起的一个单元格超过 1 MiB 仍未结束，很可能是英文双引号没有闭合；其后的内容无法读取", "A cell from row {row} runs beyond 1 MiB: most likely a double quote is not closed; nothing after it can be read."},
	"problem.bad_quote":                       {"第 {row} 行的英文双引号用法不对：不在单元格开头的引号要写成两个（\"\"），以引号开头的单元格必须以引号结束", "Row {row} misuses double quotes: a quote inside a cell must be doubled (\"\"), and a cell that starts with a quote must end with one."},
	"problem.bad_quote.lines":                 {"第 {row} 行开始的英文双引号用法不对（一直读到第 {line} 个物理行）：可能有引号没有闭合", "The double quotes from row {row} are wrong (read up to physical line {line}): a quote may not be closed."},
	"problem.bad_xlsx.damaged":                {"Excel 文件已损坏或不是有效的 .xlsx 文件，无法读取；请在 Excel 或 WPS 中打开后重新保存", "The Excel file is damaged or not a valid .xlsx; open it in Excel or WPS and save it again."},
	"problem.bad_xlsx.sheet":                  {"无法读取工作表“{sheet}”：文件可能已损坏", "Sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.bad_xlsx.row":                    {"工作表“{sheet}”第 {row} 行无法读取：文件可能已损坏", "Row {row} of sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.bad_xls.damaged":                 {"旧版 Excel（.xls）文件已损坏或无法读取；请在 Excel 或 WPS 中打开后另存为 .xlsx", "The legacy Excel file (.xls) is damaged or unreadable; open it in Excel or WPS and save it as .xlsx."},
	"problem.bad_xls.old":                     {"这是 Excel 95 或更早版本的 .xls 文件，无法读取；请在 Excel 或 WPS 中另存为 .xlsx", "This .xls is from Excel 95 or older and cannot be read; save it as .xlsx in Excel or WPS."},
	"problem.bad_xls.sheet":                   {"无法读取工作表“{sheet}”：文件可能已损坏", "Sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.bad_xls.row":                     {"工作表“{sheet}”第 {row} 行无法读取：文件可能已损坏", "Row {row} of sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.bad_ods.damaged":                 {".ods 文件已损坏或无法读取；请在 WPS 或 LibreOffice 中打开后重新保存", "The .ods file is damaged or unreadable; open it in WPS or LibreOffice and save it again."},
	"problem.bad_ods.sheet":                   {"无法读取工作表“{sheet}”：文件可能已损坏", "Sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.bad_ods.row":                     {"工作表“{sheet}”第 {row} 行无法读取：文件可能已损坏", "Row {row} of sheet “{sheet}” cannot be read: the file may be damaged."},
	"problem.encrypted_file":                  {"工作簿设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码后重新保存再上传", "The workbook is protected by a password (encrypted) and cannot be read; remove the password in Excel or WPS, save and upload again."},
	"problem.file_too_large":                  {"工作簿解压后超过 {limit} MiB 的上限；请删除无关的工作表、图片，或拆分文件，或另存为 CSV 后上传", "The workbook unzips to more than {limit} MiB; remove unrelated sheets and pictures, split the file, or save it as CSV."},
	"problem.file_too_large.cells":            {"工作表“{sheet}”的单元格超过 {limit} 个的上限（.xls 文件），未读取；请删除无关的行列，或另存为 .xlsx 或 CSV 后上传", "Sheet “{sheet}” holds more than {limit} cells (.xls) and was not read; remove unrelated rows and columns, or save it as .xlsx or CSV."},
	"problem.file_too_large.strings":          {"工作簿的共享字符串超过 {limit} 个，比它的工作表能用到的还多，未读取；请在 Excel 或 WPS 中打开后重新保存，或另存为 CSV 后上传", "The workbook holds more than {limit} shared strings, more than its sheets can use, and was not read; open it in Excel or WPS and save it again, or save it as CSV."},
	"problem.too_many_new_units":              {"这个文件会新建 {limit} 个以上的单位（街道、社区、小区），超过每个文件的上限，未导入；请检查名称是否写错，或拆分文件后分别上传", "This file would create more than {limit} new units (streets, communities, compounds), the limit per file; nothing was imported. Check the names for typos, or split the file and upload the parts."},
	"problem.too_many_new_units.streets":      {"这个文件会新建 {limit} 个以上的街道，超过每个文件的上限（一个省约有 2,500 个街道），未导入；请检查“街道”列是否填错", "This file would create more than {limit} new streets, the limit per file (a province has about 2,500); nothing was imported. Check the 街道 (street) column."},
	"problem.year_locked":                     {"{street} {year} 年的数据已封账（{by}，{date}），本文件会改动它，未导入；如需修改，请联系管理员解锁", "{street}'s {year} figures are locked (by {by}, {date}) and this file would change them; nothing was imported. Ask an administrator to unlock them."},
	"problem.parse_stopped.timeout":           {"读取文件超过 {limit} 的时间上限，已停止，未导入；请拆分文件后分别上传，或另存为 CSV", "Reading the file took longer than the {limit} limit and was stopped; nothing was imported. Split the file, or save it as CSV."},
	"problem.parse_stopped":                   {"读取文件已停止（连接已断开），未导入", "Reading the file was stopped (the connection closed); nothing was imported."},
	"problem.too_many_rows":                   {"数据行超过 {limit} 行的上限，从第 {row} 行起未读取；请拆分文件后分别上传", "More than {limit} data rows: nothing from row {row} on was read; split the file and upload the parts."},
	"problem.empty_required.year":             {"年份不能为空", "The year is empty."},
	"problem.empty_required.street":           {"街道不能为空", "The street is empty."},
	"problem.empty_required.compound":         {"填写了小区，还必须填写它所属的社区", "A compound needs its community."},
	"problem.bad_year":                        {"无法识别年份“{value}”，请填写 4 位数字，例如 2023 或 2023年", "The year “{value}” is not readable; write four digits such as 2023 or 2023年."},
	"problem.bad_year.chinese":                {"年份“{value}”请用阿拉伯数字填写，例如 2023", "Write the year “{value}” in digits, such as 2023."},
	"problem.bad_year.range":                  {"年份必须在 2000–2100 之间，实际为“{value}”", "The year must be within 2000–2100, not “{value}”."},
	"problem.street_not_allowed":              {"你不能上传“{value}”的数据：只能上传本人负责街道的台账。请检查街道名称是否写对", "You may not upload data of “{value}”: only of the streets you are responsible for. Check the street's name."},
	"problem.too_long":                        {"{field}名称过长（超过 {limit} 个字）", "The {field} name is longer than {limit} characters."},
	"problem.lost_characters":                 {"{field}名称“{value}”中有“?”：可能在导出时丢失了字符（例如 GBK 编码的 CSV 存不下不间断空格，会变成“?”）；请改正名称，或改用 .xlsx 或“CSV UTF-8”重新导出", "The {field} name “{value}” holds “?”: characters were probably lost in an export (a GBK CSV turns a non-breaking space into “?”); fix the name, or export again as .xlsx or “CSV UTF-8”."},
	"problem.bad_community_type":              {"社区类型只能填“城市”或“涉农”（也可写“农村”），实际为“{value}”", "The community type must be 城市 (urban) or 涉农 (agriculture-related; 农村 is accepted), not “{value}”."},
	"problem.bad_bool":                        {"“{column}”只能填“是”或“否”（也可用 有/无、已建/未建、Y/N、√/×、1/0），实际为“{value}”", "“{column}” takes 是 or 否 (yes/no; also 有/无, 已建/未建, Y/N, √/×, 1/0), not “{value}”."},
	"problem.bad_stars":                       {"无法识别星级“{value}”：请填写 0–5 的数字，或“3星”“三星级”“★★★”“★★★☆☆”这样的写法", "The star count “{value}” is not readable: write 0–5, or forms such as 3星, 三星级, ★★★ or ★★★☆☆."},
	"problem.stars_out_of_range":              {"星级必须是 0–5，实际为“{value}”", "The star count must be 0–5, not “{value}”."},
	"problem.stars_disagree":                  {"星级填写为 {stars}，但五颗星（党建引领星至美丽宜居星）中标为“是”的有 {yes} 颗", "The star count says {stars}, but {yes} of the five stars (党建引领星 … 美丽宜居星) are marked yes."},
	"problem.stars_disagree.partial":          {"星级填写为 {stars}，但五颗星中有 {yes} 颗为“是”、{unknown} 颗未填，星级不可能是 {stars}", "The star count says {stars}, but {yes} of the five stars are yes and {unknown} empty: it cannot be {stars}."},
	"problem.duplicate_unit":                  {"“{value}”{year} 年的数据与第 {first_row} 行重复", "“{value}” for {year} repeats row {first_row}."},
	"problem.duplicate_unit.sheet":            {"“{value}”{year} 年的数据与工作表“{first_sheet}”第 {first_row} 行重复", "“{value}” for {year} repeats row {first_row} of sheet “{first_sheet}”."},
	"problem.too_many_errors":                 {"错误太多：共 {count} 条，只列出前 {shown} 条。请先改正已列出的错误后重新上传", "Too many errors: {count} in all, the first {shown} listed. Fix those and upload again."},
	"problem.too_many_warnings":               {"提醒太多：共 {count} 条，只列出前 {shown} 条", "Too many warnings: {count} in all, the first {shown} listed."},
	"problem.not_reported":                    {"“{column}”未填写 {count} 行（第 {rows} 行），按未填报统计", "“{column}” is empty on {count} rows (rows {rows}): counted as not reported."},
	"problem.not_reported.missing":            {"文件中没有“{field}”列：{count} 个单位的这一指标按未填报统计", "The file has no “{field}” column: this indicator of {count} units counts as not reported."},
	"problem.ignored_value":                   {"“{column}”只适用于{levels}，{count} 行中填写的内容已忽略（第 {rows} 行）", "“{column}” only applies to {levels}; what {count} other rows hold was ignored (rows {rows})."},
	"problem.unnamed_column":                  {"第 {col} 列没有列名，其中 {count} 行填写的内容已忽略（第 {rows} 行）", "Column {col} has no name; what {count} rows hold in it was ignored (rows {rows})."},
	"problem.sheet_skipped":                   {"工作表“{sheet}”没有表格（前 20 行中没有表头，也没有成片的数据），已跳过", "Sheet “{sheet}” holds no table (no header in its first 20 rows and no grid of data) and was skipped."},
	"problem.example_row":                     {"这是模板中的示例行，已跳过；请删除示例行，填写实际数据", "This is the template's example row and was skipped; delete it and fill in real data."},
	"problem.title_rows_skipped":              {"已跳过第 {rows} 行（标题）", "Rows {rows} skipped (title)."},
	"problem.total_row_skipped":               {"已跳过第 {rows} 行（合计、小计行，不是单位）", "Rows {rows} skipped (totals, not units)."},
	"problem.footnote_skipped":                {"已跳过第 {rows} 行（表格下方的注释，如填报人、联系电话）", "Rows {rows} skipped (notes under the table, such as who filled it in)."},
	"problem.merged_filled":                   {"第 {rows} 行的“{column}”是合并单元格，已按合并区域的值填充（共 {count} 行）", "“{column}” on rows {rows} is a merged cell: its value was applied to every row of it ({count} rows)."},
	"problem.blank_filled":                    {"第 {rows} 行的“{column}”为空，已按上方单元格填充（合并单元格，共 {count} 行）", "“{column}” on rows {rows} was empty and was filled from the cell above (merged cells; {count} rows)."},
	"problem.hidden_rows":                     {"有 {count} 行是隐藏或被筛选掉的行，已照常导入（第 {rows} 行）；如果这些行不应导入，请删除它们", "{count} rows are hidden or filtered out and were imported as usual (rows {rows}); delete them if they must not be imported."},
	"problem.summary_sheet_skipped":           {"工作表“{sheet}”是汇总表（按街道统计的数量），已跳过，其数字已与明细核对", "Sheet “{sheet}” is a summary (counts per street): it was skipped and its figures checked against the detail rows."},
	"problem.summary_mismatch":                {"汇总表“{sheet}”第 {row} 行“{column}”为 {summary}，但明细中“{street}”为 {detail}", "Summary sheet “{sheet}”, row {row}, “{column}” says {summary}, but the detail rows of “{street}” give {detail}."},
	"problem.summary_mismatch.district":       {"汇总表“{sheet}”第 {row} 行“{column}”（合计）为 {summary}，但明细合计为 {detail}", "Summary sheet “{sheet}”, row {row}, “{column}” (total) says {summary}, but the detail rows give {detail}."},
	"problem.grouped":                         {"“{value}”出现 {count} 次（第 {rows} 行）：", "“{value}” appears {count} times (rows {rows}): "},
	"problem.grouped.empty":                   {"共 {count} 行（第 {rows} 行）：", "{count} rows (rows {rows}): "},
	"levels.street_community":                 {"街道和社区行", "street and community rows"},
	"levels.community":                        {"社区行", "community rows"},
	"levels.compound":                         {"小区行", "compound rows"},
	"levels.all":                              {"所有行", "all rows"},
	"field.year":                              {"年份", "year (年份)"},
	"field.street":                            {"街道", "street (街道)"},
	"field.community":                         {"社区", "community (社区)"},
	"field.community_type":                    {"社区类型", "community type (社区类型)"},
	"field.compound":                          {"小区", "compound (小区)"},
	"field.five_good":                         {"五好", "five-good rating (五好)"},
	"field.stars":                             {"星级", "stars (星级)"},
	"field.service_center":                    {"党群服务中心", "party-service centre (党群服务中心)"},
	"field.party_branch":                      {"小区党支部", "compound party branch (小区党支部)"},
	"field.owners_committee":                  {"业委会", "owners' committee (业委会)"},
	"field.property_service":                  {"物业服务", "property service (物业服务)"},
	"field.party_building_star":               {"党建引领星", "party-building star (党建引领星)"},
	"field.convenience_star":                  {"便民服务星", "convenience star (便民服务星)"},
	"field.civility_star":                     {"文明风尚星", "civility star (文明风尚星)"},
	"field.harmony_star":                      {"和谐稳定星", "harmony star (和谐稳定星)"},
	"field.livability_star":                   {"美丽宜居星", "livability star (美丽宜居星)"},
	"problems.csv.header":                     {"文件,工作表,行,列,值,代码,说明", "file,sheet,row,column,value,code,message"},
}

// groupedCodes are the errors that stand for one column and value refused
// on several rows.
var groupedCodes = map[string]bool{
	"bad_year": true, "bad_bool": true, "bad_stars": true, "stars_out_of_range": true, "bad_community_type": true,
	"lost_characters": true, "street_not_allowed": true, "empty_required": true, "too_long": true,
}

// ProblemFields are a problem's own fields, beside its parameters.
type ProblemFields struct {
	Code, Sheet, Column, Value string
	Row, Count                 int
	Rows                       []int
	Params                     map[string]string
}

// Problem words a problem of the ledger parser in l: the message of its
// code (and reason), with its parameters filled in, and for a value
// refused on several rows, how often and where.
func (l Lang) Problem(p ProblemFields) string {
	key := "problem." + p.Code
	if r := p.Params["reason"]; r != "" {
		if _, ok := messages[key+"."+r]; ok {
			key += "." + r
		}
	}
	tmpl, ok := messages[key]
	if !ok {
		return p.Code
	}
	rows := RowList(p.Rows, p.Count)
	if p.Params["rows"] != "" {
		rows = p.Params["rows"]
	}
	vars := map[string]string{
		"row": strconv.Itoa(p.Row), "column": p.Column, "value": p.Value, "sheet": p.Sheet,
		"count": strconv.Itoa(max(p.Count, 1)), "rows": rows,
	}
	for k, v := range p.Params {
		switch k {
		case "field":
			v = l.T("field." + v)
		case "levels":
			v = l.T("levels." + v)
		case "rows":
			continue
		}
		vars[k] = v
	}
	msg := fill(l.plural(key, tmpl, max(p.Count, 1)), vars)
	if groupedCodes[p.Code] && p.Count > 1 {
		g := "problem.grouped"
		if p.Value == "" {
			g = "problem.grouped.empty"
		}
		vars["rows"] = RowList(p.Rows, p.Count)
		msg = fill(l.plural(g, messages[g], p.Count), vars) + msg
	}
	return msg
}

// plural is message m of key in l, in English in the singular when count
// is 1.
func (l Lang) plural(key string, m [2]string, count int) string {
	if l != En {
		return m[0]
	}
	if one, ok := englishOne[key]; ok && count == 1 {
		return one
	}
	return m[1]
}

// fill replaces each {name} in s by vars[name]; an unknown name stays.
func fill(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// RowList writes rows as "3、5、8…" (the ellipsis when count is larger
// than the rows listed).
func RowList(rows []int, count int) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = strconv.Itoa(r)
	}
	s := strings.Join(parts, "、")
	if count > len(rows) {
		s += "…"
	}
	return s
}
