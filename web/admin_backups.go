package web

import (
	"fmt"
	"net/http"

	"jindu/db"
	"jindu/web/components"
)

// showBackups lists the automatic backups for administrators.
func (s *Server) showBackups(w http.ResponseWriter, r *http.Request) {
	s.backupsPage(w, r, http.StatusOK, "", "")
}

func (s *Server) backupsPage(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	l := lang(w, r)
	v := components.Backups{Page: s.page(r.Context(), r, l, l.T("backups.title")), On: s.BackupDir != "",
		Message: msg, Error: errMsg}
	v.JS = nil
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
	}
	w.Header().Set("Cache-Control", "no-store")
	s.html(w, r, status, components.BackupsPage(v))
}

// backupNow writes a backup into the backup directory at once.
func (s *Server) backupNow(w http.ResponseWriter, r *http.Request) {
	l := lang(w, r)
	if s.BackupDir == "" {
		s.backupsPage(w, r, http.StatusConflict, "", l.T("backups.off"))
		return
	}
	b, err := s.DB.BackupToDir(r.Context(), s.BackupDir, s.BackupKeep)
	if err != nil {
		s.Logger.Error("backup", "dir", s.BackupDir, "err", err)
		s.backupsPage(w, r, http.StatusInternalServerError, "", l.T("backups.failed"))
		return
	}
	u, _ := currentUser(r)
	s.Logger.Info("backup written", "file", b.Path, "bytes", b.Size, "by", u.Name)
	s.backupsPage(w, r, http.StatusOK, l.F("backups.done", b.Name, byteSize(b.Size)), "")
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
