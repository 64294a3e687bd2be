// ballot.js: the budget ballot shows the running sum of the chosen
// projects and does not let the basket exceed the limit (knapsack) or the
// number of projects allowed (approval k-of-n). The server checks the same
// rules on every ballot; this only spares a refused submission.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("ballot");
    if (!form) return;
    var kind = form.getAttribute("data-kind");
    var limit = parseInt(form.getAttribute("data-limit"), 10) || 0;
    var max = parseInt(form.getAttribute("data-max"), 10) || 0;
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="project"]'));
    var out = document.getElementById("ballot-sum");
    function rub(k) {
      return (k / 100).toLocaleString(document.documentElement.lang || "ru", { maximumFractionDigits: 2 }) + "\u00a0₽";
    }
    function update() {
      var sum = 0, n = 0;
      boxes.forEach(function (b) { if (b.checked) { sum += parseInt(b.getAttribute("data-cost"), 10); n++; } });
      boxes.forEach(function (b) {
        if (b.checked) { b.disabled = false; return; }
        var cost = parseInt(b.getAttribute("data-cost"), 10);
        var tooMuch = kind === "knapsack" && sum + cost > limit;
        var tooMany = max > 0 && n >= max;
        b.disabled = tooMuch || tooMany;
        b.closest("label").classList.toggle("unavailable", b.disabled);
      });
      if (out) {
        out.hidden = false;
        out.textContent = out.getAttribute("data-label").replace("{sum}", rub(sum)).replace("{limit}", rub(limit)).replace("{left}", rub(limit - sum));
        out.classList.toggle("over", sum > limit);
      }
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
