//go:build !windows

package pdf

// InstallHint is the command that installs what the renderer needs on
// Debian/Ubuntu (and UOS, 麒麟): the browser and CJK fonts, so Chinese
// prints as text: Noto for the screen, WenQuanYi Micro Hei (TrueType) for
// the PDF's embedded fonts.
const InstallHint = "apt-get install chromium fonts-noto-cjk fonts-wqy-microhei"

// browserCandidates are the names of Chromium's builds on PATH, in the
// order they are tried.
func browserCandidates() []string {
	return []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}
}
