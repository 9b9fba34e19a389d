package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// staticFS holds the files the page loads. static/vendor is filled at build
// time from web/package-lock.json (make assets); nothing is fetched from
// another host at run time.
//
//go:embed all:static
var staticFS embed.FS

// Required assets; the binary refuses to start without them rather than
// serve a page whose charts never draw.
const (
	AssetECharts = "vendor/echarts.min.js"
	AssetCharts  = "js/charts.js"
	AssetCSS     = "css/app.css"
	AssetIcon    = "img/favicon.svg"
	AssetUpload  = "js/upload.js"
)

// ErrNoECharts means the binary was built without ECharts, which `make
// assets` (and so `make build`) fetches from the npm registry into
// static/vendor before go build embeds it.
var ErrNoECharts = errors.New("run `make assets` first: ECharts is fetched from npm")

// CheckAssets reports ErrNoECharts when the build embedded no ECharts: a
// server without it would serve pages whose charts never draw.
func CheckAssets() error {
	if _, err := fs.Stat(staticFS, "static/"+AssetECharts); err != nil {
		return ErrNoECharts
	}
	return nil
}

// asset is one static file with its content-hashed URL.
type asset struct {
	name  string // path under static/
	url   string // /static/<dir>/<base>.<hash>.<ext>
	body  []byte
	ctype string

	gzOnce sync.Once
	gz     []byte
}

// hashedURL is a static file's URL: /static/<dir>/<base>.<hash>.<ext>.
func hashedURL(name string, body []byte) string {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	return "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

// Assets serves the embedded static files under content-hashed URLs with
// long cache lifetimes and gzip.
type Assets struct {
	byName map[string]*asset
	byURL  map[string]*asset
}

// LoadAssets hashes every embedded static file.
func LoadAssets() (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		url := hashedURL(name, body)
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		as := &asset{name: name, url: url, body: body, ctype: ct}
		a.byName[name] = as
		a.byURL[url] = as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	if err := a.linkECharts(); err != nil {
		return nil, err
	}
	if err := CheckAssets(); err != nil {
		return nil, fmt.Errorf("load assets: this binary was built without ECharts (%s): %w, then build again (`make build` does both)", AssetECharts, err)
	}
	for _, req := range []string{AssetECharts, AssetCharts, AssetCSS, AssetIcon, AssetUpload, AssetTV} {
		if a.byName[req] == nil {
			return nil, fmt.Errorf("load assets: %s is missing from the binary; build with `make build` (it runs npm ci in web/)", req)
		}
	}
	return a, nil
}

// echartsPlaceholder is the line of charts.js that names ECharts; the
// server writes ECharts' content-hashed URL into it, so charts.js loads
// ECharts only on a page that has a chart and the URL still changes with
// the file.
const echartsPlaceholder = `var echartsURL = "/static/` + AssetECharts + `";`

// linkECharts writes ECharts' hashed URL into charts.js and hashes
// charts.js again.
func (a *Assets) linkECharts() error {
	cj, ec := a.byName[AssetCharts], a.byName[AssetECharts]
	if cj == nil || ec == nil {
		return nil // reported below as missing
	}
	if !bytes.Contains(cj.body, []byte(echartsPlaceholder)) {
		return fmt.Errorf("load assets: %s does not name ECharts as %s", AssetCharts, echartsPlaceholder)
	}
	body := bytes.Replace(cj.body, []byte(echartsPlaceholder), []byte(`var echartsURL = "`+ec.url+`";`), 1)
	delete(a.byURL, cj.url)
	*cj = asset{name: cj.name, url: hashedURL(cj.name, body), body: body, ctype: cj.ctype}
	a.byURL[cj.url] = cj
	return nil
}

// URL returns the content-hashed URL of a static file.
func (a *Assets) URL(name string) string {
	if as := a.byName[name]; as != nil {
		return as.url
	}
	return "/static/missing/" + name
}

// ServeHTTP serves a hashed URL; any other path under /static/ is a 404.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	as := a.byURL[r.URL.Path]
	if as == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", as.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body := as.body
	if acceptsGzip(r) && compressible(as.ctype) {
		as.gzOnce.Do(func() { as.gz = gzipBytes(as.body) })
		body = as.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "json") || strings.Contains(ct, "svg")
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
