package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/web/components"
	"jindu/web/i18n"
)

// DefaultMaxUploadBytes is the default limit of an uploaded file.
const DefaultMaxUploadBytes = 20 << 20

// errTooLarge means the upload exceeded MaxUploadBytes.
var errTooLarge = errors.New("file too large")

// readUpload reads the multipart field "file" (and the other small fields)
// within the size limit. A missing file is errNoFile.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (name string, raw []byte, fields map[string]string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+64<<10) // room for the multipart framing
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, nil, errNoFile
	}
	fields = map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return "", nil, nil, errTooLarge
			}
			return "", nil, nil, errNoFile
		}
		if part.FormName() == "file" && part.FileName() != "" {
			raw, err = io.ReadAll(io.LimitReader(part, s.MaxUploadBytes+1))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return "", nil, nil, errTooLarge
				}
				return "", nil, nil, err
			}
			if int64(len(raw)) > s.MaxUploadBytes {
				return "", nil, nil, errTooLarge
			}
			name = baseName(part.FileName())
			continue
		}
		v, _ := io.ReadAll(io.LimitReader(part, 1024))
		fields[part.FormName()] = string(v)
	}
	if name == "" {
		return "", nil, nil, errNoFile
	}
	return name, raw, fields, nil
}

var errNoFile = errors.New("no file in the form (field \"file\") / 表单中没有文件")

// baseName strips any directory a browser sent with the file name.
func baseName(n string) string {
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	if n == "" {
		n = "upload"
	}
	return n
}

// sizeText shows a byte limit to a clerk.
func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}

// importOptions applies the server's limits and the user's street scope.
func (s *Server) importOptions(u auth.User) ingest.Options {
	return ingest.Options{MaxRows: s.MaxRows, StreetAllowed: u.MayChangeStreet}
}

func (s *Server) showUpload(w http.ResponseWriter, r *http.Request) {
	s.renderUploadForm(w, r, http.StatusOK, "")
}

func (s *Server) renderUploadForm(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	l := lang(w, r)
	u, _ := currentUser(r)
	v := components.UploadForm{Page: s.page(r.Context(), r, l, l.T("upload.title")), MaxSize: sizeText(s.MaxUploadBytes), Error: errMsg}
	v.JS = []string{s.Assets.URL(AssetUpload)}
	if f, err := s.figures(r.Context()); err == nil {
		for _, st := range f.streets {
			if u.MayChangeStreet(st.Name) {
				v.Streets = append(v.Streets, st.Name)
			}
		}
		v.Year = f.latest + 1
	}
	if v.Year <= 1 {
		v.Year = s.now().Year()
	}
	s.html(w, r, status, components.UploadFormPage(v))
}

// postUpload keeps the file as a pending upload and shows its preview.
// Nothing but the pending file is stored before the clerk confirms.
func (s *Server) postUpload(w http.ResponseWriter, r *http.Request) {
	l, _ := i18n.FromRequest(r)
	u, _ := currentUser(r)
	name, raw, _, err := s.readUpload(w, r)
	switch {
	case errors.Is(err, errTooLarge):
		s.renderUploadForm(w, r, http.StatusRequestEntityTooLarge, l.F("upload.toolarge", sizeText(s.MaxUploadBytes)))
		return
	case err != nil:
		s.renderUploadForm(w, r, http.StatusBadRequest, l.T("upload.nofile"))
		return
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	p, err := s.DB.AddPendingUpload(r.Context(), db.PendingUpload{Token: hex.EncodeToString(tok), User: u.Name,
		FileName: name, SHA256: sha256Hex(raw), Raw: raw})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/upload/"+p.Token, http.StatusSeeOther)
}

// pending finds the pending upload of the path; only its uploader and
// administrators see it (others get 404, not a hint that it exists).
func (s *Server) pending(w http.ResponseWriter, r *http.Request) (db.PendingUpload, bool) {
	p, err := s.DB.PendingUploadByToken(r.Context(), r.PathValue("token"))
	u, _ := currentUser(r)
	if err != nil || (p.User != u.Name && u.Role != auth.Admin) {
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			s.fail(w, r, err)
			return db.PendingUpload{}, false
		}
		s.notFound(w, r)
		return db.PendingUpload{}, false
	}
	return p, true
}

// dryRun validates a pending file and computes what it would change.
func (s *Server) dryRun(r *http.Request, p db.PendingUpload) (ingest.ImportResult, error) {
	u, _ := currentUser(r)
	res, err := ingest.Import(r.Context(), s.DB, ingest.ImportInput{Name: p.FileName, Kind: db.KindUpload, Actor: u.Name,
		DryRun: true, Options: s.importOptions(u)}, bytes.NewReader(p.Raw))
	if errors.Is(err, ingest.ErrInvalid) || errors.Is(err, ingest.ErrUnsupportedFormat) {
		err = nil // the report says why
	}
	return res, err
}

func (s *Server) showPreview(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	l := lang(w, r)
	res, err := s.dryRun(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := previewView(l, p, res)
	v.Page = s.page(r.Context(), r, l, l.T("preview.title"))
	v.JS = nil
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.UploadPreviewPage(v))
}

func previewView(l i18n.Lang, p db.PendingUpload, res ingest.ImportResult) components.UploadPreview {
	rep := res.Report
	v := components.UploadPreview{FileName: p.FileName, Valid: len(rep.Errors) == 0 && rep.Format != "",
		ApplyURL: "/upload/" + p.Token + "/apply", ProblemsURL: "/upload/" + p.Token + "/problems.csv"}
	v.Summary = l.F("preview.summary", rep.Rows, strings.ToUpper(rep.Format), rep.Encoding)
	if p.BatchID != 0 {
		v.Applied = l.F("preview.applied", p.BatchID)
	}
	if res.DuplicateOf != nil {
		v.Duplicate = l.F("preview.duplicate", res.DuplicateOf.ID, res.DuplicateOf.CreatedAt.Local().Format("2006-01-02 15:04"))
	}
	for _, e := range LocalizeProblems(l, rep.Errors) {
		v.Errors = append(v.Errors, problemRow(e))
	}
	for _, e := range LocalizeProblems(l, rep.Warnings) {
		v.Warnings = append(v.Warnings, problemRow(e))
	}
	b := res.Batch
	if d := b.Diff; d != nil {
		v.Changed = l.F("preview.changed", b.Changed, d.Up, d.Down, d.Unchanged, b.NewUnits)
		for _, n := range d.NewUnits {
			row := components.NewUnitRow{Level: l.T("level." + string(n.Level)), Path: n.Path}
			if n.Suggest != "" {
				row.Suggest = l.F("preview.didyoumean", n.Suggest)
			}
			v.NewUnits = append(v.NewUnits, row)
		}
		if b.NewUnits > len(d.NewUnits) {
			v.MoreNew = l.F("preview.morenew", b.NewUnits-len(d.NewUnits))
		}
		for _, c := range d.Changes {
			old := c.Old
			if old == "" {
				old = "—"
			}
			v.Changes = append(v.Changes, components.ChangeRow{Path: c.Path, Year: strconv.Itoa(c.Year), Old: old, New: c.New, Up: c.Up})
		}
		for _, st := range sortedKeys(d.Counts) {
			c := d.Counts[st]
			v.Counts = append(v.Counts, components.StreetCount{Street: st, Streets: strconv.Itoa(c.Streets),
				Communities: strconv.Itoa(c.Communities), Compounds: strconv.Itoa(c.Compounds)})
		}
	}
	return v
}

func problemRow(p ingest.Problem) components.ProblemRow {
	where := p.File
	if p.Sheet != "" {
		where += " [" + p.Sheet + "]"
	}
	if p.Row > 0 {
		where += fmt.Sprintf(" 第 %d 行", p.Row)
	}
	return components.ProblemRow{Where: where, Column: p.Column, Value: p.Value, Code: p.Code, Message: p.Message}
}

// applyPending applies a confirmed upload as one batch.
func (s *Server) applyPending(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	if p.BatchID != 0 {
		http.Redirect(w, r, "/history?batch="+strconv.FormatInt(p.BatchID, 10), http.StatusSeeOther)
		return
	}
	u, _ := currentUser(r)
	res, err := ingest.Import(r.Context(), s.DB, ingest.ImportInput{Name: p.FileName, Kind: db.KindUpload, Actor: u.Name,
		Source: "web " + clientAddress(r), Options: s.importOptions(u)}, bytes.NewReader(p.Raw))
	if errors.Is(err, ingest.ErrInvalid) || errors.Is(err, ingest.ErrUnsupportedFormat) {
		http.Redirect(w, r, "/upload/"+p.Token, http.StatusSeeOther) // the preview shows why
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if res.DuplicateOf != nil {
		http.Redirect(w, r, "/upload/"+p.Token, http.StatusSeeOther)
		return
	}
	if err := s.DB.MarkPendingApplied(r.Context(), p.ID, res.Batch.ID); err != nil {
		s.Logger.Error("mark pending applied", "err", err)
	}
	s.auditBatch(r, db.AuditUpload, res.Batch)
	http.Redirect(w, r, "/history?batch="+strconv.FormatInt(res.Batch.ID, 10), http.StatusSeeOther)
}

func (s *Server) auditBatch(r *http.Request, action string, b db.Batch) {
	u, _ := currentUser(r)
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: action, Target: "batch " + strconv.FormatInt(b.ID, 10),
		Detail: fmt.Sprintf("file=%s sha256=%s rows=%d new_units=%d changed=%d", b.FileName, b.SHA256, b.Rows, b.NewUnits, b.Changed)})
}

// problemsCSV downloads the preview's errors and warnings as CSV.
func (s *Server) problemsCSV(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	res, err := s.dryRun(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", "错误报告-"+p.FileName+".csv"))
	l, _ := i18n.FromRequest(r)
	ingest.WriteProblemsCSV(w, problemsCSVHeader(l), LocalizeProblems(l, append(res.Report.Errors, res.Report.Warnings...)))
}
