// Draws every chart on the page. Options arrive as JSON data blocks
// (<script type="application/json">, written by templ.JSONScript), never as
// inline script, so the page runs under a strict Content-Security-Policy.
//
// A chart the server has drawn (class "ssr": SVG images, one per box
// width) needs no ECharts until someone points at, touches or focuses a
// chart; then ECharts is loaded and every chart is drawn live in its
// place (tooltips, links). A click made before that is replayed on the
// live chart. Charts without images are drawn as soon as the page loads.
(function () {
  "use strict";
  var drawn = [];
  var FIT = "jinduFit";
  // One chart per task, so no single long task blocks input while a page
  // of charts draws.
  function draw() {
    var els = document.querySelectorAll("[data-chart]");
    var i = 0;
    function next() {
      for (; i < els.length; i++) {
        if (els[i].getAttribute("data-drawn") !== "1") {
          drawOne(els[i]);
          i++;
          setTimeout(next, 0);
          return;
        }
      }
    }
    next();
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Our own tooltip: the lines the server wrote into each data item (tip:
  // percent and count, target, still needed), localised; items without a
  // tip (no data, the invisible spacer) are left out, so no dashes.
  function tooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var p = list[i];
      var tip = p && p.data && p.data.tip;
      if (!tip) continue;
      out.push(p.marker + tip.map(esc).join("<br>"));
    }
    if (!out.length) return "";
    var head = Array.isArray(params) && params[0].axisValueLabel ? "<b>" + esc(params[0].axisValueLabel) + "</b><br>" : "";
    return head + out.join("<br>");
  }
  // The Fit for the box's width (the widest it is wide enough for); at
  // 1800 px and more the text is at least 16 px.
  function fitFor(fits, width) {
    var f = fits[0];
    for (var i = 0; i < fits.length; i++) {
      if (width >= fits[i].w) f = fits[i];
    }
    if (window.innerWidth >= 1800 && f.font < 16) f = { w: f.w, font: 16, patch: bigger(f.patch, 16) };
    return f;
  }
  // A patch with every font size raised to px.
  function bigger(patch, px) {
    var p = JSON.parse(JSON.stringify(patch));
    (function walk(o) {
      for (var k in o) {
        if (k === "fontSize") o[k] = Math.max(o[k], px);
        else if (o[k] && typeof o[k] === "object") walk(o[k]);
      }
    })(p);
    return p;
  }
  function apply(chart, el, fits) {
    if (!fits) return;
    var f = fitFor(fits, el.clientWidth);
    if (chart.__fit && chart.__fit.w === f.w && chart.__fit.font === f.font) return;
    chart.__fit = f;
    chart.setOption(f.patch);
  }
  function link(chart, p) {
    var data = p && p.data;
    if (data && data.link) return data.link;
    return null;
  }
  function drawOne(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src || !window.echarts) return;
    var options = JSON.parse(src.textContent);
    var fits = options[FIT];
    delete options[FIT];
    // The printed report's boxes are sized for paper (print.css): its
    // charts keep the options' own fonts and layout.
    if (el.closest(".report")) fits = null;
    options.tooltip = options.tooltip || {};
    options.tooltip.formatter = tooltip;
    options.tooltip.confine = true;
    options.tooltip.className = "chart-tip";
    var summary = el.getAttribute("aria-label");
    if (el.classList.contains("ssr")) {
      // Keep the box's height: the live chart takes the image's place.
      var shown = null;
      var imgs = el.querySelectorAll("img");
      for (var k = 0; k < imgs.length; k++) if (imgs[k].offsetHeight > 0) shown = imgs[k];
      el.style.height = (shown ? shown.offsetHeight : el.clientHeight) + "px";
      while (el.firstChild) el.removeChild(el.firstChild);
      el.classList.remove("ssr");
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(options);
    apply(chart, el, fits);
    chart.__fits = fits;
    // ECharts writes its own aria-label; the page's summary sentence stays.
    if (summary) el.setAttribute("aria-label", summary);
    var base = el.getAttribute("data-link");
    var query = el.getAttribute("data-link-query") || "";
    chart.on("click", function (params) {
      var to = link(chart, params);
      if (!to && base && params && params.name) to = base + encodeURIComponent(params.name) + query;
      if (to) window.location.href = to;
    });
    el.setAttribute("data-drawn", "1");
    drawn.push(chart);
    var pending = el.__pendingClick;
    if (pending) {
      el.__pendingClick = null;
      replay(chart, el, pending);
    }
  }
  // A click on the server's image, made before the live chart was drawn:
  // the bar under the same point is opened.
  function replay(chart, el, pt) {
    var r = el.getBoundingClientRect();
    var xy = [pt.x - r.left, pt.y - r.top];
    if (!chart.containPixel({ gridIndex: 0 }, xy)) return;
    var v = chart.convertFromPixel({ gridIndex: 0 }, xy);
    var o = chart.getOption();
    var horizontal = o.yAxis && o.yAxis[0] && o.yAxis[0].type === "category";
    var idx = Math.round(horizontal ? v[1] : v[0]);
    for (var s = 0; s < o.series.length; s++) {
      var d = o.series[s].data && o.series[s].data[idx];
      if (d && d.link) {
        window.location.href = d.link;
        return;
      }
    }
  }
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      for (var i = 0; i < drawn.length; i++) {
        drawn[i].resize();
        apply(drawn[i], drawn[i].getDom(), drawn[i].__fits);
      }
    }, 100);
  });
  // Printing may change a chart's box; a redraw at the same size would only
  // slow the print down (tens of milliseconds for a report).
  window.addEventListener("beforeprint", function () {
    for (var i = 0; i < drawn.length; i++) {
      var el = drawn[i].getDom();
      if (el.clientWidth !== drawn[i].getWidth() || el.clientHeight !== drawn[i].getHeight()) drawn[i].resize();
    }
  });
  // ECharts is loaded only by a page that has a chart. The server writes
  // its content-hashed URL into this line (web/assets.go).
  var echartsURL = "/static/vendor/echarts.min.js";
  var loading = false;
  function load() {
    if (window.echarts) return draw();
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = echartsURL;
    script.onload = draw;
    document.head.appendChild(script);
  }
  function start() {
    var els = document.querySelectorAll("[data-chart]");
    if (!els.length) return;
    var live = false;
    for (var i = 0; i < els.length; i++) {
      if (!els[i].classList.contains("ssr")) live = true;
      else wake(els[i]);
    }
    if (live) load();
  }
  // A server-drawn chart wakes on the first pointer, touch or focus.
  function wake(el) {
    var on = function () { load(); };
    el.addEventListener("pointerover", on, { once: true });
    el.addEventListener("touchstart", on, { once: true, passive: true });
    el.addEventListener("focusin", on, { once: true });
    el.addEventListener("click", function (e) {
      if (el.getAttribute("data-drawn") === "1") return;
      el.__pendingClick = { x: e.clientX, y: e.clientY };
      load();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
