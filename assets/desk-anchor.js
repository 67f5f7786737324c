/* /case/<id>#case-node-… (a 今日待办 row): once the page's tables arrive, scroll the row into view
   and mark it. Dash fills the page after navigation, so the browser's own jump finds nothing. */
(function () {
  var timer = null;

  function seek() {
    if (timer) { clearInterval(timer); timer = null; }
    var hash = decodeURIComponent((window.location.hash || "").slice(1));
    if (!hash || window.location.pathname.indexOf("/case/") !== 0) return;
    var tries = 0;
    timer = setInterval(function () {
      var el = document.getElementById(hash);
      if (el) {
        clearInterval(timer); timer = null;
        var old = document.querySelectorAll(".anchor-hit");
        for (var i = 0; i < old.length; i++) old[i].classList.remove("anchor-hit");
        el.classList.add("anchor-hit");
        el.scrollIntoView({ block: "center" });
      } else if (++tries > 100) {
        clearInterval(timer); timer = null;
      }
    }, 100);
  }

  window.addEventListener("_dashprivate_pushstate", function () { setTimeout(seek, 0); });
  window.addEventListener("popstate", seek);
  window.addEventListener("hashchange", seek);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", seek);
  else seek();
})();
