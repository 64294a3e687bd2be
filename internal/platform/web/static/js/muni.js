// muni.js: small progressive enhancements shared by every page. Pages work
// without it: it folds the header navigation behind a menu button on
// narrow screens, and lets keyboard users scroll a table that is wider
// than the screen.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function menu() {
    var toggle = document.getElementById("menu-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    toggle.hidden = false;
    function set(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    }
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
  }

  // A table wider than its frame scrolls sideways; a keyboard user can
  // scroll it only if the frame takes focus, and a screen reader should
  // say what it is: its caption, or the heading before it.
  function label(wrap) {
    var cap = wrap.querySelector("caption");
    if (cap && cap.textContent.trim()) return cap.textContent.trim();
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    var h = wrap.closest("section, main");
    h = h && h.querySelector("h1, h2, h3");
    return h ? h.textContent.trim() : "";
  }

  function scrollables() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var w = wraps[i];
      if (w.scrollWidth > w.clientWidth + 1) {
        if (!w.hasAttribute("tabindex")) {
          w.setAttribute("tabindex", "0");
          w.setAttribute("role", "region");
          var text = label(w);
          if (text) w.setAttribute("aria-label", text);
          w.dataset.scrollable = "1";
        }
      } else if (w.dataset.scrollable) {
        w.removeAttribute("tabindex");
        w.removeAttribute("role");
        w.removeAttribute("aria-label");
        delete w.dataset.scrollable;
      }
    }
  }

  function start() {
    menu();
    scrollables();
    var pending = 0;
    window.addEventListener("resize", function () {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(scrollables);
    });
  }

  // ready runs fn once the document is parsed.
  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  // refitOnResize redraws a Leaflet map and fits it again when its width
  // changes (a phone turned sideways, a window resized).
  function refitOnResize(el, map, fit) {
    if (typeof ResizeObserver === "undefined") return;
    var width = el.clientWidth;
    new ResizeObserver(function () {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      map.invalidateSize({ animate: false });
      fit();
    }).observe(el);
  }

  // Shared with the page scripts (map.js, pin.js), which load after this one.
  window.muni = { ready: ready, refitOnResize: refitOnResize };
  ready(start);
})();
