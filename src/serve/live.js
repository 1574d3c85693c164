// debrief serve: reload when the site is rebuilt; show the diagnostics over
// the page while the site has errors. Added to pages only by `debrief serve`.
(function () {
  "use strict";
  var overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "debrief-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,22,28,.94);color:#f4f4f5;padding:1.5rem;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    var head = document.createElement("div");
    head.style.cssText = "display:flex;gap:1rem;align-items:center;margin-bottom:1rem;font:600 15px system-ui,sans-serif";
    var title = document.createElement("span");
    title.textContent = "The site has errors: this page is the last good build. Fix them and it reloads.";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "margin-left:auto;font:inherit;padding:.2rem .8rem;cursor:pointer";
    close.addEventListener("click", hide);
    head.appendChild(title);
    head.appendChild(close);
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    overlay.appendChild(head);
    overlay.appendChild(pre);
    (document.body || document.documentElement).appendChild(overlay);
  }
  // This page's file in the output: `/a/` is `a/index.html`.
  function ownFile() {
    var p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    return p === "" || p.slice(-1) === "/" ? p + "index.html" : p;
  }
  var broken = false;
  var source = new EventSource("/__debrief/events");
  source.addEventListener("reload", function (e) {
    var changed;
    try { changed = JSON.parse(e.data); } catch (err) { changed = { all: true }; }
    // After an error, reload to drop the overlay; otherwise only when this page changed.
    if (broken || changed.all || (changed.files || []).indexOf(ownFile()) >= 0) { location.reload(); }
  });
  source.addEventListener("hello", function () {
    // A page opened while the site was broken reloads once it is fixed.
    if (broken) { location.reload(); }
  });
  source.addEventListener("build-error", function (e) {
    broken = true;
    try { show(JSON.parse(e.data).text); } catch (err) { show(String(e.data)); }
  });
})();
