package main

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestVersionLines(t *testing.T) {
	for _, c := range []struct{ version, commit, wantCommit string }{
		{"v1.2.0-3-gabc1234", "abc1234def", "abc1234def"},
		{"dev", "", ""}, // the VCS stamp or "unknown"
	} {
		oldV, oldC := version, commit
		version, commit = c.version, c.commit
		code, out, errOut := runCmd(t, context.Background(), "version")
		version, commit = oldV, oldC
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != 0 || len(lines) != 4 {
			t.Fatalf("version: %d %q %q", code, out, errOut)
		}
		if lines[0] != c.version {
			t.Errorf("first line %q, want the version %q alone", lines[0], c.version)
		}
		if c.wantCommit != "" && lines[1] != "commit   "+c.wantCommit {
			t.Errorf("commit line %q", lines[1])
		}
		if c.wantCommit == "" && !strings.HasPrefix(lines[1], "commit   ") {
			t.Errorf("commit line %q", lines[1])
		}
		if lines[2] != "go       "+runtime.Version() || lines[3] != "platform "+runtime.GOOS+"/"+runtime.GOARCH {
			t.Errorf("go/platform lines %q", lines[2:])
		}
	}
	if code, _, _ := runCmd(t, context.Background(), "version", "extra"); code != 2 {
		t.Errorf("version with an argument: exit %d, want 2", code)
	}
}
