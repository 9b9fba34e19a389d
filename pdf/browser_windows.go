package pdf

import (
	"os"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// InstallHint says what the renderer needs on Windows: Edge ships with
// Windows 10 and 11 and is Chromium, so is Chrome; any other build is
// named with --chromium. Chinese Windows has the CJK fonts.
const InstallHint = "Microsoft Edge / Google Chrome (--chromium PATH)"

// browserCandidates lists where Chromium-based browsers are installed, in
// the order they are tried: the paths their installers register under
// App Paths, their default folders (machine-wide, then per user), then
// PATH. Edge comes after Chrome and Chromium only because a browser
// installed on purpose is the likelier choice.
func browserCandidates() []string {
	var c []string
	for _, exe := range []string{"chrome.exe", "msedge.exe"} {
		for _, root := range []registry.Key{registry.LOCAL_MACHINE, registry.CURRENT_USER} {
			if p := appPath(root, exe); p != "" {
				c = append(c, p)
			}
		}
	}
	pf, pf86, local := os.Getenv("ProgramFiles"), os.Getenv("ProgramFiles(x86)"), os.Getenv("LOCALAPPDATA")
	for _, p := range [][2]string{
		{pf, `\Google\Chrome\Application\chrome.exe`},
		{pf86, `\Google\Chrome\Application\chrome.exe`},
		{local, `\Google\Chrome\Application\chrome.exe`},
		{local, `\Chromium\Application\chrome.exe`},
		{pf, `\Chromium\Application\chrome.exe`},
		{pf86, `\Microsoft\Edge\Application\msedge.exe`},
		{pf, `\Microsoft\Edge\Application\msedge.exe`},
	} {
		if p[0] != "" {
			c = append(c, p[0]+p[1])
		}
	}
	return append(c, "chrome.exe", "chromium.exe", "msedge.exe")
}

// appPath reads the path an installer registered for exe, or "".
func appPath(root registry.Key, exe string) string {
	k, err := registry.OpenKey(root, `SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\`+exe, registry.QUERY_VALUE)
	if err != nil {
		return ""
	}
	defer k.Close()
	p, typ, err := k.GetStringValue("")
	if err != nil {
		return ""
	}
	if typ == registry.EXPAND_SZ {
		if p, err = registry.ExpandString(p); err != nil {
			return ""
		}
	}
	return strings.Trim(p, `"`)
}
