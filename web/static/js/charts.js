// Draws every chart on the page. Options arrive as JSON data blocks
// (<script type="application/json">, written by templ.JSONScript), never as
// inline script, so the page runs under a strict Content-Security-Policy.
(function () {
  "use strict";
  var drawn = [];
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
  function drawOne(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src || !window.echarts) return;
    var options = JSON.parse(src.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(options);
    var link = el.getAttribute("data-link");
    if (link) {
      chart.on("click", function (params) {
        if (params && params.name) {
          window.location.href = this.link + encodeURIComponent(params.name) + this.query;
        }
      }.bind({ link: link, query: el.getAttribute("data-link-query") || "" }));
    }
    el.setAttribute("data-drawn", "1");
    drawn.push(chart);
  }
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      for (var i = 0; i < drawn.length; i++) drawn[i].resize();
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
  function start() {
    if (!document.querySelector("[data-chart]")) return;
    if (window.echarts) return draw();
    var script = document.createElement("script");
    script.src = echartsURL;
    script.onload = draw;
    document.head.appendChild(script);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
