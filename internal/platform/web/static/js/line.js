// line.js lets an official draw a line — a road segment — by clicking a
// Leaflet map (every .map[data-points] element): each click adds a point
// at the end. The points live in the textarea data-points names, one
// "latitude, longitude" a line, which stays the keyboard and
// no-JavaScript way to give them; typing there redraws the line. The map
// is framed by the municipality's boundary (GeoJSON in data-boundary)
// and shows the other lines (a FeatureCollection in data-others) in grey.
// The buttons [data-line=undo] and [data-line=clear] in the element
// data-tools names remove the last point and all of them; the element
// data-status names says how many points there are and how long the
// line is, from the template in its data-template ({n}, {km}).
(function () {
  "use strict";

  var boundaryStyle = { color: "#1f4e8c", weight: 2, fillColor: "#e7eef8", fillOpacity: 0.5 };
  var otherStyle = { color: "#6b7280", weight: 4, opacity: 0.75 };
  var lineStyle = { color: "#b3261e", weight: 5, opacity: 0.9, interactive: false };
  var vertexStyle = { radius: 6, color: "#b3261e", weight: 2, fillColor: "#ffffff", fillOpacity: 1, interactive: false };

  function json(el, name) {
    var raw = el.getAttribute(name);
    if (!raw) return null;
    try {
      return JSON.parse(raw);
    } catch (e) {
      return null;
    }
  }

  function number(s) {
    var v = Number(s);
    return s !== "" && isFinite(v) ? v : null;
  }

  // One line of the textarea as [lat, lon], as the server reads it: two
  // numbers separated by a comma, a semicolon or spaces, or with decimal
  // commas separated by a semicolon or spaces.
  function point(line) {
    var parts = line.split(/[\s,;]+/).filter(Boolean);
    if (parts.length !== 2) {
      parts = line.split(/[\s;]+/).filter(Boolean).map(function (p) {
        return p.replace(/^,+|,+$/g, "").replace(",", ".");
      });
    }
    if (parts.length !== 2) return null;
    var lat = number(parts[0]), lon = number(parts[1]);
    return lat === null || lon === null ? null : [lat, lon];
  }

  // The textarea's points, or null when it holds something else. A
  // GeoJSON LineString, as the API takes it, is read too.
  function parse(text) {
    text = text.trim();
    if (text.charAt(0) === "{") {
      try {
        var g = JSON.parse(text);
        if (g.type !== "LineString" || !Array.isArray(g.coordinates)) return null;
        return g.coordinates.map(function (c) { return [c[1], c[0]]; });
      } catch (e) {
        return null;
      }
    }
    var out = [];
    var lines = text.split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      var p = point(lines[i]);
      if (!p) return null;
      out.push(p);
    }
    return out;
  }

  function inRange(p) {
    return p[0] >= -90 && p[0] <= 90 && p[1] >= -180 && p[1] <= 180;
  }

  function setup(el) {
    if (typeof L === "undefined" || el.dataset.drawn) return;
    var input = document.getElementById(el.getAttribute("data-points"));
    if (!input) return;
    el.dataset.drawn = "1";
    el.hidden = false;
    var hint = document.getElementById(el.getAttribute("aria-describedby"));
    if (hint) hint.hidden = false;
    var tools = document.getElementById(el.getAttribute("data-tools"));
    if (tools) tools.hidden = false;
    var status = document.getElementById(el.getAttribute("data-status"));

    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25, doubleClickZoom: false });
    var boundary = L.geoJSON(json(el, "data-boundary"), { style: function () { return boundaryStyle; }, interactive: false }).addTo(map);
    // The other segments name themselves on hover; a click on one still
    // reaches the map and adds a point there.
    var others = L.geoJSON(json(el, "data-others"), {
      style: function () { return otherStyle; },
      onEachFeature: function (f, l) {
        if (f.properties && f.properties.name) l.bindTooltip(f.properties.name, { sticky: true });
      }
    }).addTo(map);
    var drawn = L.featureGroup().addTo(map);
    var points = parse(input.value) || [];

    function length() {
      var m = 0;
      for (var i = 1; i < points.length; i++) m += L.latLng(points[i - 1]).distanceTo(L.latLng(points[i]));
      return m;
    }

    function draw() {
      drawn.clearLayers();
      var shown = points.filter(inRange);
      if (shown.length > 1) L.polyline(shown, lineStyle).addTo(drawn);
      shown.forEach(function (p) { L.circleMarker(p, vertexStyle).addTo(drawn); });
      if (status) {
        var km = (length() / 1000).toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
        status.textContent = points.length ? status.getAttribute("data-template").replace("{n}", points.length).replace("{km}", km) : "";
      }
    }

    function write() {
      input.value = points.map(function (p) { return p[0].toFixed(6) + ", " + p[1].toFixed(6); }).join("\n");
      draw();
    }

    // There are no tiles to show streets: the other segments and this
    // one's line are what a point is placed by, so the map shows them
    // (the roads are in town) and the whole municipality only when there
    // are none; the zoom buttons reach the rest.
    function fit() {
      var b = L.latLngBounds([]);
      if (drawn.getLayers().length) b.extend(drawn.getBounds());
      if (others.getLayers().length) b.extend(others.getBounds());
      if (!b.isValid() && boundary.getLayers().length) b.extend(boundary.getBounds());
      if (b.isValid()) {
        map.fitBounds(b, { padding: [16, 16], maxZoom: 16, animate: false });
      } else {
        map.setView([60, 90], 3, { animate: false });
      }
    }

    map.on("click", function (e) {
      var p = e.latlng.wrap();
      points.push([p.lat, p.lng]);
      write();
    });
    input.addEventListener("input", function () {
      var ps = parse(input.value);
      if (ps) {
        points = ps;
        draw();
      }
    });
    input.addEventListener("change", fit);
    if (tools) {
      tools.addEventListener("click", function (e) {
        var what = e.target.getAttribute("data-line");
        if (what === "undo") points.pop();
        if (what === "clear") points = [];
        if (what) write();
      });
    }
    draw();
    fit();
    muni.refitOnResize(el, map, fit);
  }

  function init() {
    var maps = document.querySelectorAll(".map[data-points]");
    for (var i = 0; i < maps.length; i++) setup(maps[i]);
  }

  muni.ready(init);
})();
