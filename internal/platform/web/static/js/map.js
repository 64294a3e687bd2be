// map.js draws a territory map with Leaflet from GeoJSON in the
// data-geojson attribute of every .map[data-geojson] element. No tile
// server is needed: boundaries are drawn over the plain map background.
// Without JavaScript or Leaflet the page still lists everything in text.
(function () {
  "use strict";

  var styles = {
    municipality: { color: "#1f4e8c", weight: 2, fillColor: "#e7eef8", fillOpacity: 0.5 },
    settlement: { color: "#1d6b3a", weight: 1.5, fillColor: "#e3f2e8", fillOpacity: 0.8 }
  };

  function draw(el) {
    if (typeof L === "undefined" || el.dataset.drawn) return;
    var data;
    try {
      data = JSON.parse(el.getAttribute("data-geojson"));
    } catch (e) {
      return;
    }
    el.dataset.drawn = "1";
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    var layer = L.geoJSON(data, {
      style: function (f) {
        if (f.properties.role === "hotspot") { // a grid cell shaded by its count
          return { color: "#8a1c1c", weight: 0.5, fillColor: "#b3261e", fillOpacity: f.properties.shade || 0.3 };
        }
        if (f.properties.role === "segment") { // a road segment in its congestion colour
          return { color: f.properties.color || "#6b7280", weight: 6, opacity: 0.9 };
        }
        if (f.properties.role === "works") { // road works: red now, blue planned
          var now = f.properties.phase === "current";
          return { color: now ? "#b3261e" : "#1f4e8c", weight: 5, dashArray: now ? null : "6 6", fillOpacity: 0.3 };
        }
        if (f.properties.role === "route") { // a transit line in its own colour
          return { color: f.properties.color || "#1f4e8c", weight: 3, opacity: 0.85 };
        }
        return styles[f.properties.role] || styles.settlement;
      },
      pointToLayer: function (f, latlng) {
        if (f.properties.role === "works") { // road works at a point
          var cur = f.properties.phase === "current";
          return L.circleMarker(latlng, { radius: 9, color: "#ffffff", weight: 2, fillColor: cur ? "#b3261e" : "#1f4e8c", fillOpacity: 1 });
        }
        if (f.properties.role === "vehicle") { // a bus where it last reported
          return L.circleMarker(latlng, { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 });
        }
        return L.circleMarker(latlng, { radius: 6, color: "#1f4e8c", weight: 2, fillColor: "#ffffff", fillOpacity: 1 });
      },
      onEachFeature: function (f, l) {
        if (f.properties && f.properties.name) {
          l.bindTooltip(f.properties.name, { sticky: f.geometry.type !== "Point" });
        }
        if (f.properties && f.properties.url) { // a transit stop opens its page
          l.on("click", function () { window.location.href = f.properties.url; });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    function fit() {
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [12, 12], maxZoom: Number(el.getAttribute("data-max-zoom")) || 12, animate: false });
      } else {
        map.setView([60, 90], 3, { animate: false });
      }
    }
    fit();
    // A phone turned sideways (or a window resized) changes the map's
    // size: redraw and fit the boundaries again.
    muni.refitOnResize(el, map, fit);
  }

  function init() {
    var maps = document.querySelectorAll(".map[data-geojson]");
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  muni.ready(init);
})();
