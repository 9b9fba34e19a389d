import openpyxl, datetime
from openpyxl.styles import Alignment
wb = openpyxl.Workbook()
ws = wb.active; ws.title = "西大街道"
ws.append(["魏都区2023年小区“五星”创建台账"]); ws.merge_cells("A1:L1")
ws.append(["填报单位：西大街道办事处　　单位：个"]); ws.merge_cells("A2:L2")
ws.append(["序号","年份","街道名称","社区名称","小区名称","星级（颗）","五星创建情况",None,None,None,None,"是否建立小区党支部"])
ws.append([None,None,None,None,None,None,"党建引领星","便民服务星","文明风尚星","和谐稳定星","美丽宜居星",None])
for c in "ABCDEFL": ws.merge_cells(f"{c}3:{c}4")
ws.merge_cells("G3:K3")
ws["C3"].alignment = Alignment(wrap_text=True)
rows = [
 [1, datetime.date(2023,1,1), "西大街道办事处", "天宝社区", "建安小区", "★★★☆☆", "√","√","√","×","×","有"],
 [2, None, None, None, "幸福小区", "五星级", "√","√","√","√","√","有"],
 [3, None, None, "八一社区", "阳光小区", 0, "×","×","×","×","×","无"],
 ["小计", None, None, None, None, None, None,None,None,None,None,None],
 ["合计", 2023, None, None, None, None, None,None,None,None,None,None],
]
for r in rows: ws.append(r)
ws["B5"].number_format = 'yyyy"年"'
ws.merge_cells("B5:B7"); ws.merge_cells("C5:C7"); ws.merge_cells("D5:D6")
ws.row_dimensions[7].hidden = True
ws.append([])
ws.append(["填报人：张三　　联系电话：13900000000"]); ws.merge_cells(f"A{ws.max_row}:L{ws.max_row}")
ws.append(["注：星级按实际评定填写"])
wb.save("messy.xlsx")
