// The wall screen (?tv=1): carries tv=1 on the page's own links, and asks
// /api/version every data-poll milliseconds whether the data changed
// since the page was made (data-version); when it has, the page reloads.
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version") || "";
  var every = parseInt(body.getAttribute("data-poll"), 10) || 30000;
  function withTV(u) {
    if (!u || u.charAt(0) !== "/" || u.charAt(1) === "/" || /[?&]tv=/.test(u)) return u;
    var hash = "";
    var i = u.indexOf("#");
    if (i >= 0) { hash = u.slice(i); u = u.slice(0, i); }
    return u + (u.indexOf("?") >= 0 ? "&" : "?") + "tv=1" + hash;
  }
  function carry() {
    var as = document.querySelectorAll("a[href]");
    for (var i = 0; i < as.length; i++) {
      if (as[i].hasAttribute("data-tv-exit") || /^\/(static|api)\//.test(as[i].getAttribute("href"))) continue;
      as[i].setAttribute("href", withTV(as[i].getAttribute("href")));
    }
    // Chart bars open name + data-link-query (charts.js).
    var cs = document.querySelectorAll("[data-link]");
    for (var j = 0; j < cs.length; j++) {
      var q = cs[j].getAttribute("data-link-query") || "";
      if (!/[?&]tv=/.test(q)) cs[j].setAttribute("data-link-query", q + (q.indexOf("?") >= 0 ? "&" : "?") + "tv=1");
    }
  }
  function poll() {
    fetch("/api/version", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (v && v.data_version && v.data_version !== version) {
          window.location.reload();
          return;
        }
        setTimeout(poll, every);
      }, function () { setTimeout(poll, every); });
  }
  function start() {
    carry();
    setTimeout(poll, every);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
