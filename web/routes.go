package web

import "net/http"

// Access says who may call a route. The server enforces it on every
// request; the UI only hides what a role may not do.
type Access int

// Access levels, from least to most guarded.
const (
	// AccessPublic: anyone (login page, health check, static files).
	AccessPublic Access = iota
	// AccessRead: logged-in users, or anyone when the server runs --public.
	AccessRead
	// AccessUpload: clerks (within their streets) and administrators.
	AccessUpload
	// AccessAdmin: administrators only.
	AccessAdmin
	// AccessReview: reviewers (within their streets) and administrators.
	AccessReview
)

// Route is one registered route.
type Route struct {
	Pattern string // net/http pattern with method
	Access  Access
	handler http.HandlerFunc
}

// routes lists every route of the application in one place.
func (s *Server) routes() []Route {
	return []Route{
		{"GET /{$}", AccessRead, s.showDashboard},
		{"GET /api/metrics", AccessRead, s.apiMetrics},
		{"GET /api/metrics.csv", AccessRead, s.apiMetricsCSV},
		{"GET /api/version", AccessRead, s.apiVersion},
		{"GET /streets", AccessRead, s.showStreets},
		{"GET /streets/{name}", AccessRead, s.showStreet},
		{"GET /streets/{name}/communities/{community}", AccessRead, s.showCommunity},
		{"GET /stars", AccessRead, s.showStars},
		{"GET /worklist", AccessRead, s.showWorkList},
		{"GET /worklist.xlsx", AccessRead, s.workListXLSX},
		{"GET /compare", AccessRead, s.showCompare},
		{"GET /help", AccessRead, s.showHelp},
		{"GET /report", AccessRead, s.showReport},
		{"GET /report.pdf", AccessRead, s.reportPDF},
		{"GET /report/footer.css", AccessPublic, s.reportFooterCSS},
		{"GET /brief", AccessRead, s.showBrief},
		{"GET /brief.pdf", AccessRead, s.briefPDF},
		{"GET /snapshots", AccessRead, s.showSnapshots},
		{"POST /snapshots", AccessAdmin, s.freezeSnapshot},
		{"GET /snapshots/{id}", AccessRead, s.showSnapshot},
		{"GET /snapshots/{id}/pdf", AccessRead, s.snapshotPDF},
		{"GET /snapshots/{id}/figures.json", AccessRead, s.snapshotFigures},
		{"GET /healthz", AccessPublic, s.healthz},
		{"GET /readyz", AccessPublic, s.readyz},
		{"GET /static/", AccessPublic, s.Assets.ServeHTTP},
		{"GET /favicon.ico", AccessPublic, s.favicon},
		{"GET /login", AccessPublic, s.showLogin},
		{"POST /login", AccessPublic, s.login},
		{"POST /logout", AccessPublic, s.logout},
		{"GET /upload", AccessUpload, s.showUpload},
		{"POST /upload", AccessUpload, s.postUpload},
		{"GET /upload/{token}", AccessUpload, s.showPreview},
		{"POST /upload/{token}/apply", AccessUpload, s.applyPending},
		{"POST /upload/{token}/discard", AccessUpload, s.discardPending},
		{"GET /upload/{token}/problems.csv", AccessUpload, s.problemsCSV},
		{"POST /api/uploads", AccessUpload, s.apiUpload},
		{"GET /history", AccessUpload, s.showHistory},
		{"GET /history/{id}", AccessUpload, s.showBatch},
		{"GET /history/{id}/changes.csv", AccessUpload, s.batchChangesCSV},
		{"GET /history/{id}/file", AccessUpload, s.batchFile},
		{"GET /history/{id}/rollback", AccessAdmin, s.showRollback},
		{"POST /history/{id}/rollback", AccessAdmin, s.rollbackBatch},
		{"GET /admin/workflow", AccessAdmin, s.showWorkflow},
		{"POST /admin/workflow", AccessAdmin, s.postWorkflow},
		{"GET /review", AccessReview, s.showReviewQueue},
		{"GET /review/{id}", AccessReview, s.showReviewBatch},
		{"POST /review/locks", AccessReview, s.lockFromQueue},
		{"POST /review/{id}/approve", AccessReview, s.approveBatch},
		{"POST /review/{id}/reject", AccessReview, s.rejectBatch},
		{"POST /api/corrections", AccessUpload, s.apiCorrection},
		{"GET /correct", AccessUpload, s.showCorrect},
		{"POST /correct", AccessUpload, s.postCorrect},
		{"GET /api/batches", AccessReview, s.apiBatches},
		{"POST /api/batches/{id}/approve", AccessReview, s.apiApprove},
		{"POST /api/batches/{id}/reject", AccessReview, s.apiReject},
		{"POST /api/locks", AccessReview, s.apiLock},
		{"POST /api/locks/unlock", AccessAdmin, s.apiUnlock},
		{"GET /templates/blank.csv", AccessUpload, s.templateCSV},
		{"GET /templates/blank.xlsx", AccessUpload, s.templateXLSX},
		{"GET /templates/prefilled.xlsx", AccessUpload, s.templatePrefilled},
		{"GET /admin/users", AccessAdmin, s.showUsers},
		{"POST /admin/users", AccessAdmin, s.addUser},
		{"POST /admin/users/{name}/password", AccessAdmin, s.setUserPassword},
		{"POST /admin/users/{name}/role", AccessAdmin, s.setUserRole},
		{"POST /admin/users/{name}/disable", AccessAdmin, s.disableUser},
		{"POST /admin/users/{name}/enable", AccessAdmin, s.enableUser},
		{"GET /admin/targets", AccessAdmin, s.showTargets},
		{"POST /admin/targets", AccessAdmin, s.saveTargets},
		{"GET /admin/audit", AccessAdmin, s.showAudit},
		{"GET /admin/audit.csv", AccessAdmin, s.auditCSV},
		{"GET /admin/backups", AccessAdmin, s.showBackups},
		{"POST /admin/backups", AccessAdmin, s.backupNow},
	}
}
