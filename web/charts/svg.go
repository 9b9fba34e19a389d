package charts

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/dop251/goja"
)

// Renderer draws charts as SVG on the server with the same ECharts the
// page loads (its server-side mode: no DOM, text measured by ECharts'
// built-in widths, CJK as one em), run by an embedded JavaScript engine.
// A page can then show its charts before, and without, any chart script.
// One engine serves every call, one at a time; it is started on the first.
type Renderer struct {
	src []byte

	once sync.Once
	mu   sync.Mutex
	vm   *goja.Runtime
	draw goja.Callable
	err  error
}

// NewRenderer returns a renderer of the ECharts bundle src (which sets
// globalThis.echarts).
func NewRenderer(src []byte) *Renderer { return &Renderer{src: src} }

// The engine has no timers; ECharts' SSR mode draws synchronously and
// only schedules work (animation frames) it never needs.
const ssrPrelude = `var setTimeout = function () { return 0; }, clearTimeout = function () {},
	requestAnimationFrame = setTimeout, cancelAnimationFrame = clearTimeout;`

const ssrDraw = `(function (opt, patch, w, h) {
	var c = echarts.init(null, null, {renderer: "svg", ssr: true, width: w, height: h});
	try {
		c.setOption(JSON.parse(opt));
		c.setOption(JSON.parse(patch));
		return c.renderToSVGString();
	} finally {
		c.dispose();
	}
})`

func (r *Renderer) start() {
	vm := goja.New()
	if _, err := vm.RunString(ssrPrelude); err != nil {
		r.err = fmt.Errorf("charts: start the engine: %w", err)
		return
	}
	if _, err := vm.RunScript("echarts.min.js", string(r.src)); err != nil {
		r.err = fmt.Errorf("charts: load echarts: %w", err)
		return
	}
	fn, err := vm.RunString(ssrDraw)
	if err != nil {
		r.err = fmt.Errorf("charts: load the drawer: %w", err)
		return
	}
	draw, ok := goja.AssertFunction(fn)
	if !ok {
		r.err = fmt.Errorf("charts: the drawer is no function")
		return
	}
	r.vm, r.draw = vm, draw
}

// SVG draws o with the Fit f's patch at width×height px and returns the
// SVG document. The Fits key is left out of the options ECharts sees.
func (r *Renderer) SVG(o Options, f Fit, width, height int) (string, error) {
	r.once.Do(r.start)
	if r.err != nil {
		return "", r.err
	}
	base := make(Options, len(o))
	for k, v := range o {
		if k != FitKey {
			base[k] = v
		}
	}
	opt, err := json.Marshal(base)
	if err != nil {
		return "", fmt.Errorf("charts: svg: %w", err)
	}
	patch, err := json.Marshal(f.Patch)
	if err != nil {
		return "", fmt.Errorf("charts: svg: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	v, err := r.draw(goja.Undefined(), r.vm.ToValue(string(opt)), r.vm.ToValue(string(patch)), r.vm.ToValue(width), r.vm.ToValue(height))
	if err != nil {
		return "", fmt.Errorf("charts: svg: %w", err)
	}
	return v.String(), nil
}

// FitsOf returns the Fits that finish stored in o (nil for none).
func FitsOf(o any) []Fit {
	m, _ := o.(Options)
	f, _ := m[FitKey].([]Fit)
	return f
}
