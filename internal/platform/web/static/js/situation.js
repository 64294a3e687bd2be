// situation.js keeps the officials' situation centre live: it polls the
// JSON data endpoint (?since=<generation> answers 204 when nothing was
// committed; every twelfth poll asks in full), updates the counters and lists in place, and redraws the
// Leaflet map's switchable layers (appeals, outages, transport). The
// page's first paint is the server's, so without JavaScript it still
// shows every figure.
(function () {
  "use strict";

  var colors = { appeal: "#1f4e8c", overdue: "#b3261e", outage: "#7a5c00", stop: "#1d6b3a", vehicle: "#b3261e" };

  function get(obj, path) {
    var parts = path.split(".");
    for (var i = 0; i < parts.length && obj != null; i++) obj = obj[parts[i]];
    return obj;
  }

  function percent(p, lang) {
    if (!p || !p.observed) return "—";
    var s = (Math.round(p.on_time / p.observed * 1000) / 10).toString();
    return (lang === "en" ? s : s.replace(".", ",")) + " %";
  }

  function fields(root, d) {
    var lang = root.getAttribute("data-lang");
    var els = root.querySelectorAll("[data-field]");
    for (var i = 0; i < els.length; i++) {
      var f = els[i].getAttribute("data-field"), v;
      if (f === "transport.on_time_percent") v = percent(d.transport, lang);
      else v = get(d, f);
      els[i].textContent = v == null ? "—" : String(v);
    }
  }

  function list(id, items, text) {
    var ul = document.getElementById(id);
    if (!ul) return;
    while (ul.firstChild) ul.removeChild(ul.firstChild);
    if (!items || items.length === 0) {
      var li0 = document.createElement("li");
      li0.className = "muted";
      li0.textContent = ul.getAttribute("data-empty");
      ul.appendChild(li0);
      return;
    }
    for (var i = 0; i < items.length; i++) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = items[i].url || "#";
      a.textContent = text(items[i]);
      li.appendChild(a);
      ul.appendChild(li);
    }
  }

  function Map(root) {
    var el = document.getElementById("situation-map");
    if (!el || typeof L === "undefined") return null;
    var names = JSON.parse(el.getAttribute("data-layers"));
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    var layers = { appeals: L.layerGroup().addTo(map), outages: L.layerGroup().addTo(map), transport: L.layerGroup().addTo(map) };
    var overlays = {};
    overlays[names.appeals] = layers.appeals;
    overlays[names.outages] = layers.outages;
    overlays[names.transport] = layers.transport;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    var fitted = false;
    function marker(p, color, radius) {
      var m = L.circleMarker([p.lat, p.lon], { radius: radius, color: "#ffffff", weight: 1.5, fillColor: color, fillOpacity: 0.9 });
      if (p.name) m.bindTooltip(p.name);
      if (p.url) m.on("click", function () { window.location.href = p.url; });
      return m;
    }
    function draw(d) {
      var all = [];
      layers.appeals.clearLayers();
      layers.outages.clearLayers();
      layers.transport.clearLayers();
      var ap = (d.appeals && d.appeals.points) || [];
      for (var i = 0; i < ap.length; i++) {
        layers.appeals.addLayer(marker(ap[i], ap[i].overdue ? colors.overdue : colors.appeal, 6));
        all.push([ap[i].lat, ap[i].lon]);
      }
      var ns = (d.outages || []).concat(d.roadworks || []);
      for (var j = 0; j < ns.length; j++) {
        var pts = ns[j].points || [];
        for (var k = 0; k < pts.length; k++) {
          layers.outages.addLayer(marker(pts[k], colors.outage, 8));
          all.push([pts[k].lat, pts[k].lon]);
        }
      }
      var tp = (d.transport && d.transport.points) || [];
      for (var t = 0; t < tp.length; t++) {
        layers.transport.addLayer(marker(tp[t], tp[t].kind === "vehicle" ? colors.vehicle : colors.stop, tp[t].kind === "vehicle" ? 7 : 4));
        all.push([tp[t].lat, tp[t].lon]);
      }
      if (!fitted) {
        if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [12, 12], maxZoom: 14, animate: false });
        else map.setView([60, 90], 3, { animate: false });
        fitted = true;
      }
    }
    muni.refitOnResize(el, map, function () {});
    return { draw: draw };
  }

  function init() {
    var root = document.getElementById("situation");
    if (!root) return;
    var src = root.getAttribute("data-src");
    var gen = root.getAttribute("data-generation");
    var every = (parseInt(root.getAttribute("data-poll"), 10) || 5) * 1000;
    var map = Map(root);
    var first = JSON.parse(root.getAttribute("data-initial"));
    if (map) map.draw(first);

    function apply(d) {
      gen = String(d.generation);
      root.setAttribute("data-generation", gen);
      fields(root, d);
      list("sc-alarms", d.alarms, function (a) { return a.title; });
      list("sc-outages", d.outages, function (n) { return n.title; });
      list("sc-roadworks", d.roadworks, function (n) { return n.title; });
      list("sc-participation", d.participation, function (a) { return a.title; });
      var at = document.getElementById("situation-at");
      if (at) {
        at.setAttribute("datetime", d.at);
        at.textContent = new Date(d.at).toLocaleString(root.getAttribute("data-lang"), { timeZone: root.getAttribute("data-tz") || undefined });
      }
      if (map) map.draw(d);
    }

    // Every twelfth poll asks without ?since: deadlines pass and the
    // transport tile ages without any commit to announce it.
    var polls = 0;
    function poll() {
      var url = ++polls % 12 === 0 ? src : src + "?since=" + encodeURIComponent(gen);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.status === 200 ? r.json() : null; })
        .then(function (d) { if (d) apply(d); })
        .catch(function () {})
        .then(function () { setTimeout(poll, every); });
    }
    setTimeout(poll, every);
  }

  muni.ready(init);
})();
