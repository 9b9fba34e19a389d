// Freezing a snapshot prints a report, which takes a few seconds: while it
// does, the form's button is disabled and says "正在封存…" (data-progress).
// Without this script the form posts as usual. A form with data-download
// (the brief's 封存并下载) posts in the background and saves the frozen PDF
// it answers with, then says so (data-done) and links the snapshot.
(function () {
  "use strict";
  function fileName(res) {
    var cd = res.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    return m ? decodeURIComponent(m[1]) : "snapshot.pdf";
  }
  function setup(form) {
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".freeze-status");
    var label = button ? button.textContent : "";
    form.addEventListener("submit", function (ev) {
      if (!button) return;
      if (form.getAttribute("data-busy") === "1") { ev.preventDefault(); return; }
      form.setAttribute("data-busy", "1");
      form.setAttribute("aria-busy", "true");
      var progress = form.getAttribute("data-progress") || "";
      if (status) status.textContent = progress;
      // Disabling the submitter here does not stop this submission.
      button.disabled = true;
      button.textContent = progress;
      if (!form.hasAttribute("data-download") || !window.fetch) {
        return; // the page is left when the answer comes: the state stays until then
      }
      ev.preventDefault();
      function done(text) {
        form.removeAttribute("data-busy");
        form.removeAttribute("aria-busy");
        button.disabled = false;
        button.textContent = label;
        if (status) status.textContent = text;
      }
      fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" })
        .then(function (res) {
          var type = res.headers.get("Content-Type") || "";
          if (!res.ok || type.indexOf("application/pdf") !== 0) {
            return res.text().then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              var msg = doc.querySelector("main");
              throw new Error(msg ? msg.textContent.trim() : String(res.status));
            });
          }
          var snap = new URL(res.url).pathname.replace(/\/pdf$/, "");
          var name = fileName(res);
          return res.blob().then(function (blob) {
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            a.download = name;
            document.body.appendChild(a);
            a.click();
            a.remove();
            done(form.getAttribute("data-done") || "");
            if (status) {
              var link = document.createElement("a");
              link.href = snap;
              link.textContent = " ›";
              link.setAttribute("data-testid", "frozen-link");
              status.appendChild(link);
            }
          });
        })
        .catch(function (err) { done(err.message); });
    });
  }
  var forms = document.querySelectorAll("form.freeze");
  for (var i = 0; i < forms.length; i++) setup(forms[i]);
})();
