package web

// Test-only views of the server, for the tests of package web_test.

// Routes lists the patterns and their access, for the role-matrix test.
func (s *Server) Routes() []Route { return s.routes() }

// Parses is the number of ledger files the server has parsed: tests check
// that an upload is parsed once however often its preview is seen.
func (s *Server) Parses() int64 { return s.parses.Load() }

// ParsesActive is how many parses run now; ParsesStopped how many were
// stopped by their request's end or the time limit (tests wait on them).
func (s *Server) ParsesActive() int64  { return s.parsesActive.Load() }
func (s *Server) ParsesStopped() int64 { return s.parsesStopped.Load() }

// PDFRenders is how many PDF renders the renderer has started: a PDF
// served from the cache starts none.
func (s *Server) PDFRenders() int64 { return s.pdfRenders.Load() }

// OnPDFRender calls f with the caller's queue ("user:…", "addr:…") as each
// PDF render starts; set it before the first request.
func (s *Server) OnPDFRender(f func(who string)) { s.onPDFRender = f }

// OnPDFQueue calls f with the caller's queue as each PDF render starts
// waiting for one of the renderer's slots; set it before the first request.
func (s *Server) OnPDFQueue(f func(who string)) { s.onPDFQueue = f }
