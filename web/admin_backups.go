package web

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"jindu/db"
	"jindu/web/components"
	"jindu/web/i18n"
)

// backupAttempt is the outcome of the last backup attempt (the schedule's
// or an administrator's).
type backupAttempt struct {
	At  time.Time
	Err error
}

// NoteBackup records a backup attempt's outcome for the backups page (the
// automatic backups' loop calls it).
func (s *Server) NoteBackup(at time.Time, err error) {
	s.lastBackup.Store(&backupAttempt{At: at, Err: err})
}

// showBackups lists the automatic backups for administrators.
func (s *Server) showBackups(w http.ResponseWriter, r *http.Request) {
	s.backupsPage(w, r, http.StatusOK, "", "")
}

func (s *Server) backupsPage(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	l := lang(w, r)
	v := components.Backups{Page: s.page(r.Context(), r, l, l.T("backups.title")), On: s.BackupDir != "",
		Message: msg, Error: errMsg}
	v.JS = nil
	from := filepath.Join(s.BackupDir, "jindu-….db")
	if v.On {
		v.Dir = l.F("backups.dir", s.BackupDir, s.BackupKeep)
		bs, err := db.ListBackups(s.BackupDir)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, b := range bs {
			v.Rows = append(v.Rows, components.BackupRow{Name: b.Name, Time: b.Time.Local().Format("2006-01-02 15:04:05"), Size: byteSize(b.Size)})
		}
		if len(bs) > 0 {
			// A backup is in the directory only once its copy passed the
			// integrity and foreign-key checks (db.Backup renames it then).
			v.Last = l.F("backups.last", bs[0].Time.Local().Format("2006-01-02 15:04:05"), byteSize(bs[0].Size))
			from = bs[0].Path
		}
		if a := s.lastBackup.Load(); a != nil && a.Err != nil && (len(bs) == 0 || a.At.After(bs[0].Time)) {
			v.Failed = l.F("backups.lastfailed", a.At.Local().Format("2006-01-02 15:04:05"))
		}
	}
	v.Restore = fmt.Sprintf("jindu restore --db %s --from %s", shellQuote(s.DB.Path), shellQuote(from))
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.BackupsPage(v))
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(p string) string {
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_' || c == ':' || c == '\\') {
			return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return p
}

// backupNow writes a backup into the backup directory at once (admin,
// CSRF-protected like every POST). One runs at a time: a second press
// while one is written gets 409 and starts nothing.
func (s *Server) backupNow(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	if s.BackupDir == "" {
		s.backupsPage(w, r, http.StatusConflict, "", l.T("backups.off"))
		return
	}
	start := s.now()
	b, err := s.DB.BackupToDir(r.Context(), s.BackupDir, s.BackupKeep)
	switch {
	case errors.Is(err, db.ErrBackupBusy):
		w.Header().Set("Retry-After", "5")
		s.backupsPage(w, r, http.StatusConflict, "", l.T("backups.busy"))
		return
	case err != nil:
		s.NoteBackup(start, err)
		s.Logger.Error("backup", "dir", s.BackupDir, "err", err)
		s.backupsPage(w, r, http.StatusInternalServerError, "", backupFailure(l, err))
		return
	}
	s.NoteBackup(start, nil)
	u, _ := currentUser(r)
	s.Logger.Info("backup written", "file", b.Path, "bytes", b.Size, "by", u.Name)
	s.backupsPage(w, r, http.StatusOK, l.F("backups.done", b.Name, byteSize(b.Size)), "")
}

func backupFailure(l i18n.Lang, err error) string {
	if errors.Is(err, db.ErrBackupBad) {
		return l.T("backups.badcheck")
	}
	return l.T("backups.failed")
}

// byteSize shows a file size to a person.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
