// The "下载 PDF" links (a.pdf-link[data-pending]): while the server prints,
// the link says so (its data-pending text), is marked busy and takes no
// second click; the PDF then arrives as a download. Without script, or
// when the answer is not a PDF (busy, unavailable), the link is followed
// as a plain link and the server's page says why.
(function () {
  "use strict";
  function fileName(disposition) {
    var m = /filename\*=utf-8''([^;]+)/i.exec(disposition || "");
    if (m) {
      try { return decodeURIComponent(m[1]); } catch (e) { /* fall through */ }
    }
    m = /filename="([^"]+)"/i.exec(disposition || "");
    return m ? m[1] : "report.pdf";
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a.pdf-link[data-pending]") : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    if (!window.fetch || !window.URL || !URL.createObjectURL) return;
    ev.preventDefault();
    if (a.getAttribute("aria-disabled") === "true") return;
    var label = a.textContent;
    a.setAttribute("aria-disabled", "true");
    a.setAttribute("aria-busy", "true");
    a.classList.add("pending");
    a.textContent = a.getAttribute("data-pending");
    function done() {
      a.textContent = label;
      a.removeAttribute("aria-disabled");
      a.removeAttribute("aria-busy");
      a.classList.remove("pending");
    }
    fetch(a.href, { credentials: "same-origin" }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (!resp.ok || type.indexOf("application/pdf") !== 0) {
        window.location.assign(a.href);
        return;
      }
      return resp.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var save = document.createElement("a");
        save.href = url;
        save.download = fileName(resp.headers.get("Content-Disposition"));
        save.hidden = true;
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        a.setAttribute("data-downloaded", "1");
        done();
      });
    }).then(null, function () {
      done();
      window.location.assign(a.href);
    });
  });
})();
