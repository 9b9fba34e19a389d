package web_test

import (
	"fmt"
	"os"
	"testing"

	"jindu/web"
)

// TestMain stops at once, with one line saying what to do, on a fresh
// clone that has not fetched ECharts yet: every page test would fail
// without it.
func TestMain(m *testing.M) {
	if err := web.CheckAssets(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
