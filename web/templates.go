package web

import (
	"bytes"
	"net/http"
	"strconv"

	"jindu/ingest"
	"jindu/web/i18n"
)

func (s *Server) templateCSV(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := ingest.WriteTemplateCSV(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "台账模板.csv"))
	w.Write(buf.Bytes())
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) templateXLSX(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := ingest.WriteTemplateXLSX(&buf, nil); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "台账模板.xlsx"))
	w.Write(buf.Bytes())
}

// templatePrefilled lists a street's units with last year's values for
// the chosen year, so a clerk only edits what changed.
func (s *Server) templatePrefilled(w http.ResponseWriter, r *http.Request) {
	l, _ := i18n.FromRequest(r)
	year, ok, err := yearParam(r)
	if err != nil || !ok {
		s.errorPage(w, r, http.StatusBadRequest, l.T("error.badyear"))
		return
	}
	u, _ := currentUser(r)
	name := r.URL.Query().Get("street")
	if !u.MayChangeStreet(name) {
		s.forbidden(w, r)
		return
	}
	_, st, ok := s.streetFigures(w, r, l, name)
	if !ok {
		return
	}
	recs, err := s.DB.StreetRecords(r.Context(), st, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := ingest.WriteTemplateXLSX(&buf, recs); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "台账-"+name+"-"+strconv.Itoa(year)+".xlsx"))
	w.Write(buf.Bytes())
}
