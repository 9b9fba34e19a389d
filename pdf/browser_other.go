//go:build !windows

package pdf

// InstallHint is the command that installs what the renderer needs on
// Debian/Ubuntu (and UOS, 麒麟): the browser and a CJK font, so Chinese
// prints as text.
const InstallHint = "apt-get install chromium fonts-noto-cjk"

// browserCandidates are the names of Chromium's builds on PATH, in the
// order they are tried.
func browserCandidates() []string {
	return []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}
}
