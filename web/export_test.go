package web

// Test-only views of the server, for the tests of package web_test.

// Routes lists the patterns and their access, for the role-matrix test.
func (s *Server) Routes() []Route { return s.routes() }

// Parses is the number of ledger files the server has parsed: tests check
// that an upload is parsed once however often its preview is seen.
func (s *Server) Parses() int64 { return s.parses.Load() }
