package web

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jindu/auth"
	"jindu/db"
	"jindu/ingest"
	"jindu/load"
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

// importOptions applies the server's limits and the user's street scope;
// every parse is counted (Parses).
func (s *Server) importOptions(u auth.User) ingest.Options {
	return s.parseOptions(ingest.Options{MaxRows: s.MaxRows, StreetAllowed: u.MayChangeStreet, ParseHook: func() { s.parses.Add(1) }})
}

// reviewOptions are importOptions for a reviewer approving a batch: the
// streets are the reviewer's to review (the clerk's scope was checked when
// the batch was submitted).
func (s *Server) reviewOptions(u auth.User) ingest.Options {
	o := s.importOptions(u)
	o.StreetAllowed = u.MayReviewStreet
	return o
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

// postUpload parses and dry-runs the file once, keeps it with what that
// found as a pending upload and shows its preview. Nothing but the
// pending file and its result is stored before the clerk confirms.
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
	if !plausibleUpload(raw) {
		s.renderUploadForm(w, r, http.StatusUnsupportedMediaType, l.T("upload.notledger"))
		return
	}
	count, size, err := s.DB.PendingUsage(r.Context(), u.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if count >= s.PendingMaxFiles || size+int64(len(raw)) > s.PendingMaxBytes {
		s.renderUploadForm(w, r, http.StatusTooManyRequests, l.F("upload.quota", count, sizeText(size), s.PendingMaxFiles,
			sizeText(s.PendingMaxBytes), s.PendingTTL.String()))
		return
	}
	p := db.PendingUpload{User: u.Name, FileName: name, SHA256: sha256Hex(raw), Raw: raw}
	if err := s.checkPending(r, &p); err != nil {
		if s.parseBusy(w, r, err) || r.Context().Err() != nil {
			return
		}
		s.fail(w, r, err)
		return
	}
	if r.Context().Err() != nil {
		return // the client left: nothing is kept
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	p.Token = hex.EncodeToString(tok)
	p, err = s.DB.AddPendingUpload(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditPendingStored, Target: "pending " + strconv.FormatInt(p.ID, 10),
		Detail: fmt.Sprintf("file=%s sha256=%s bytes=%d", p.FileName, p.SHA256, len(raw))})
	http.Redirect(w, r, "/upload/"+p.Token, http.StatusSeeOther)
}

// parseBusy answers a parse refused by the limiter (429 or 503 with
// Retry-After and the reason in words) and reports whether it did.
func (s *Server) parseBusy(w http.ResponseWriter, r *http.Request, err error) bool {
	var busy errParseBusy
	if !errors.As(err, &busy) {
		return false
	}
	l, _ := i18n.FromRequest(r)
	setRetryAfter(w)
	if r.URL.Path == "/upload" {
		s.renderUploadForm(w, r, busy.status, busyMessage(l, busy.status))
	} else {
		s.errorPage(w, r, busy.status, busyMessage(l, busy.status))
	}
	return true
}

// pendingResult is what the parse and dry run of a pending upload found,
// stored with it (gzip JSON).
type pendingResult struct {
	Report      ingest.Report
	Batch       db.Batch
	DuplicateOf *db.Batch
	// Rechecked is set when the data changed after the preview and the
	// dry run was done again against the new data.
	Rechecked bool
}

// checkPending parses and dry-runs a pending upload's file as the current
// user, and sets its result, records and data version.
func (s *Server) checkPending(r *http.Request, p *db.PendingUpload) error {
	u, _ := currentUser(r)
	release, err := s.acquireParse(u.Name)
	if err != nil {
		return err
	}
	defer release()
	var log ingest.RecordLog
	start := time.Now()
	res, err := load.File(r.Context(), s.DB, load.Input{Name: p.FileName, Kind: db.KindUpload, Actor: u.Name,
		DryRun: true, Options: s.importOptions(u), Keep: log.Add}, bytes.NewReader(p.Raw))
	s.parseDone(r.Context(), p.FileName, res.Report, start)
	if err != nil && r.Context().Err() != nil {
		return r.Context().Err()
	}
	if err != nil && !errors.Is(err, ingest.ErrInvalid) && !errors.Is(err, ingest.ErrUnsupportedFormat) {
		return err
	}
	recs, err := log.Bytes()
	if err != nil {
		return err
	}
	if len(res.Report.Errors) > 0 {
		recs = nil // an invalid file is never applied
	}
	p.Records, p.DataSeq = recs, res.Batch.DataSeq
	p.Result, err = encodeResult(pendingResult{Report: res.Report, Batch: res.Batch, DuplicateOf: res.DuplicateOf})
	return err
}

func encodeResult(res pendingResult) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if err := json.NewEncoder(zw).Encode(res); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// result returns a pending upload's stored result; one stored before
// results were kept is computed (and stored) now.
func (s *Server) result(r *http.Request, p *db.PendingUpload) (pendingResult, error) {
	if p.Result == nil {
		if err := s.checkPending(r, p); err != nil {
			return pendingResult{}, err
		}
		if err := s.DB.SetPendingResult(r.Context(), p.ID, p.Result, p.Records, p.DataSeq); err != nil {
			return pendingResult{}, err
		}
	}
	var res pendingResult
	zr, err := gzip.NewReader(bytes.NewReader(p.Result))
	if err != nil {
		return res, fmt.Errorf("pending result: %w", err)
	}
	if err := json.NewDecoder(zr).Decode(&res); err != nil {
		return res, fmt.Errorf("pending result: %w", err)
	}
	return res, nil
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

func (s *Server) showPreview(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	l := lang(w, r)
	res, err := s.result(r, &p)
	if err != nil {
		if !s.parseBusy(w, r, err) {
			s.fail(w, r, err)
		}
		return
	}
	v := previewView(l, p, res)
	v.Page = s.page(r.Context(), r, l, l.T("preview.title"))
	v.JS = nil
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, http.StatusOK, components.UploadPreviewPage(v))
}

func previewView(l i18n.Lang, p db.PendingUpload, res pendingResult) components.UploadPreview {
	rep := res.Report
	v := components.UploadPreview{FileName: p.FileName, Valid: len(rep.Errors) == 0 && rep.Format != "",
		ApplyURL: "/upload/" + p.Token + "/apply", DiscardURL: "/upload/" + p.Token + "/discard", ProblemsURL: "/upload/" + p.Token + "/problems.csv"}
	enc := rep.Encoding
	if enc == "" {
		enc = "—"
	}
	v.Summary = l.N("preview.summary", rep.Rows, strings.ToUpper(rep.Format), enc)
	if p.BatchID != 0 {
		v.Applied = l.F("preview.applied", p.BatchID)
	}
	if res.DuplicateOf != nil {
		v.Duplicate = l.F("preview.duplicate", res.DuplicateOf.ID, res.DuplicateOf.CreatedAt.Local().Format("2006-01-02 15:04"))
	}
	if res.Rechecked {
		v.Rechecked = l.T("preview.rechecked")
	}
	for _, e := range LocalizeProblems(l, rep.Errors) {
		v.Errors = append(v.Errors, problemRow(l, e))
	}
	warnings := LocalizeProblems(l, rep.Warnings)
	for _, w := range warnings {
		if w.Code == "not_reported" && w.Params["reason"] == "missing" {
			v.Notices = append(v.Notices, w.Message)
		}
	}
	v.Warnings = groupByRow(l, warnings)
	b := res.Batch
	if d := b.Diff; d != nil {
		v.Changed = l.F("preview.changed", b.Changed, d.Up, d.Down, d.Unchanged, b.NewUnits)
		if d.AgainstPrevious > 0 {
			v.Changed += " " + l.N("preview.againstprevious", d.AgainstPrevious)
		}
		for _, n := range d.NewUnits {
			row := components.NewUnitRow{Level: l.T("level." + string(n.Level)), Path: n.Path}
			if n.Suggest != "" {
				row.Suggest = l.F("preview.didyoumean", n.Suggest)
			}
			v.NewUnits = append(v.NewUnits, row)
		}
		if b.NewUnits > len(d.NewUnits) {
			v.MoreNew = l.N("preview.morenew", b.NewUnits-len(d.NewUnits))
		}
		v.Changes = changeGroups(l, d.Changes)
		if b.Changed > len(d.Changes) && len(d.Changes) > 0 {
			v.MoreChanges = l.N("preview.morechanges", len(d.Changes), b.Changed)
		}
		for _, st := range sortedKeys(d.Counts) {
			c := d.Counts[st]
			v.Counts = append(v.Counts, components.StreetCount{Street: st, Streets: strconv.Itoa(c.Streets),
				Communities: strconv.Itoa(c.Communities), Compounds: strconv.Itoa(c.Compounds)})
		}
	}
	return v
}

// changeGroups groups what changes by street, then unit, each field old →
// new in words.
func changeGroups(l i18n.Lang, changes []db.UnitChange) []components.ChangeGroup {
	var groups []components.ChangeGroup
	at := map[string]int{}
	for _, c := range changes {
		i, ok := at[c.Street]
		if !ok {
			i = len(groups)
			at[c.Street] = i
			groups = append(groups, components.ChangeGroup{Street: c.Street})
		}
		u := components.ChangeUnit{Path: strings.TrimPrefix(strings.TrimPrefix(c.Path, c.Street), " / "), Level: l.T("level." + string(c.Level)),
			Year: strconv.Itoa(c.Year)}
		if u.Path == "" {
			u.Path = c.Street
		}
		if c.Against != c.Year {
			u.Against = l.F("preview.against", c.Against)
		}
		for _, f := range c.Fields {
			u.Fields = append(u.Fields, components.ChangeField{Name: l.T("field." + f.Field),
				Old: valueText(l, f.Field, f.Old), New: valueText(l, f.Field, f.New), Dir: f.Rating})
		}
		groups[i].Units = append(groups[i].Units, u)
	}
	return groups
}

// valueText words a changed field's value.
func valueText(l i18n.Lang, field, v string) string {
	switch {
	case v == "":
		return l.T("preview.notreported")
	case field == "stars":
		return v + "★"
	case field == "community_type":
		return l.T("communitytype." + v)
	}
	return l.T("value." + v)
}

// groupByRow puts the warnings of one row on one line.
func groupByRow(l i18n.Lang, ps []ingest.Problem) []components.ProblemRow {
	var out []components.ProblemRow
	at := map[string]int{}
	for _, p := range ps {
		row := problemRow(l, p)
		single := p.Row > 0 && len(p.Rows) <= 1 && p.Count <= 1
		key := p.File + "\x00" + p.Sheet + "\x00" + strconv.Itoa(p.Row)
		if i, ok := at[key]; ok && single {
			o := &out[i]
			o.Message += "；" + row.Message
			o.Code += ", " + row.Code
			if row.Column != "" && o.Column != row.Column {
				o.Column = strings.TrimPrefix(o.Column+"、"+row.Column, "、")
			}
			continue
		}
		if single {
			at[key] = len(out)
		}
		out = append(out, row)
	}
	return out
}

func problemRow(l i18n.Lang, p ingest.Problem) components.ProblemRow {
	where := p.File
	if p.Sheet != "" {
		where += " [" + p.Sheet + "]"
	}
	if p.Row > 0 {
		where += " " + l.F("preview.row", p.Row)
	}
	return components.ProblemRow{Where: where, Column: p.Column, Value: p.Value, Code: p.Code, Message: p.Message}
}

// applyPending applies a confirmed upload as one batch, from the records
// its parse kept. If the data changed since the preview, the dry run is
// done again and the preview shown anew, to be confirmed again.
func (s *Server) applyPending(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	if p.BatchID != 0 {
		http.Redirect(w, r, "/history?batch="+strconv.FormatInt(p.BatchID, 10), http.StatusSeeOther)
		return
	}
	res, err := s.result(r, &p)
	if err != nil {
		if !s.parseBusy(w, r, err) {
			s.fail(w, r, err)
		}
		return
	}
	preview := "/upload/" + p.Token
	if len(res.Report.Errors) > 0 || res.Report.Format == "" || res.DuplicateOf != nil {
		http.Redirect(w, r, preview, http.StatusSeeOther) // the preview shows why
		return
	}
	u, _ := currentUser(r)
	submit, err := s.submits(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := load.Input{Name: p.FileName, Kind: db.KindUpload, Actor: u.Name, Source: "web " + clientAddress(r), Options: s.importOptions(u), Submit: submit}
	applied, err := load.Records(r.Context(), s.DB, in, p.Raw, p.Records, p.DataSeq)
	switch {
	case errors.Is(err, db.ErrDataChanged):
		// Preview again against the data as it is now, from the kept records.
		in.DryRun = true
		again, err := load.Records(r.Context(), s.DB, in, p.Raw, p.Records, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		res.Batch, res.DuplicateOf, res.Rechecked = again.Batch, again.DuplicateOf, true
		enc, err := encodeResult(res)
		if err == nil {
			err = s.DB.SetPendingResult(r.Context(), p.ID, enc, p.Records, again.Batch.DataSeq)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, preview, http.StatusSeeOther)
		return
	case errors.Is(err, ingest.ErrInvalid):
		// The user's streets changed: check the file again as them.
		if err := s.checkPending(r, &p); err == nil {
			if err := s.DB.SetPendingResult(r.Context(), p.ID, p.Result, p.Records, p.DataSeq); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		http.Redirect(w, r, preview, http.StatusSeeOther)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if applied.DuplicateOf != nil {
		http.Redirect(w, r, preview, http.StatusSeeOther)
		return
	}
	if err := s.DB.MarkPendingApplied(r.Context(), p.ID, applied.Batch.ID); err != nil {
		s.Logger.Error("mark pending applied", "err", err)
	}
	if submit {
		s.auditBatch(r, db.AuditSubmit, applied.Batch)
		http.Redirect(w, r, "/history?submitted="+strconv.FormatInt(applied.Batch.ID, 10), http.StatusSeeOther)
		return
	}
	s.auditBatch(r, db.AuditUpload, applied.Batch)
	http.Redirect(w, r, "/history?batch="+strconv.FormatInt(applied.Batch.ID, 10), http.StatusSeeOther)
}

func (s *Server) auditBatch(r *http.Request, action string, b db.Batch) {
	u, _ := currentUser(r)
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: action, Target: "batch " + strconv.FormatInt(b.ID, 10),
		Detail: fmt.Sprintf("file=%s sha256=%s rows=%d new_units=%d changed=%d", b.FileName, b.SHA256, b.Rows, b.NewUnits, b.Changed)})
}

// problemsCSV downloads the preview's errors and warnings as CSV, in the
// page's language.
func (s *Server) problemsCSV(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	res, err := s.result(r, &p)
	if err != nil {
		if !s.parseBusy(w, r, err) {
			s.fail(w, r, err)
		}
		return
	}
	l, _ := i18n.FromRequest(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", l.T("preview.reportfile")+"-"+p.FileName+".csv"))
	ingest.WriteProblemsCSV(w, problemsCSVHeader(l), LocalizeProblems(l, append(res.Report.Errors, res.Report.Warnings...)))
}

// discardPending deletes a pending upload its uploader (or an
// administrator) no longer wants, and audits it.
func (s *Server) discardPending(w http.ResponseWriter, r *http.Request) {
	p, ok := s.pending(w, r)
	if !ok {
		return
	}
	if err := s.DB.DeletePending(r.Context(), p.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	u, _ := currentUser(r)
	s.audit(r, db.AuditEntry{Actor: u.Name, Action: db.AuditPendingDiscarded, Target: "pending " + strconv.FormatInt(p.ID, 10),
		Detail: fmt.Sprintf("file=%s sha256=%s bytes=%d", p.FileName, p.SHA256, len(p.Raw))})
	http.Redirect(w, r, "/upload", http.StatusSeeOther)
}
