// pin.js lets a person set a point by tapping a Leaflet map of the
// municipality (the GeoJSON boundary in data-boundary of every
// .map[data-boundary] element). The map fills the inputs named by
// data-lat and data-lon, which stay the keyboard and no-JavaScript way to
// give the point; typing in them moves the pin.
(function () {
  "use strict";

  var boundaryStyle = { color: "#1f4e8c", weight: 2, fillColor: "#e7eef8", fillOpacity: 0.5 };
  var pinStyle = { radius: 9, color: "#b3261e", weight: 3, fillColor: "#ffffff", fillOpacity: 1 };

  function num(input) {
    var v = parseFloat(String(input.value).replace(",", "."));
    return isFinite(v) ? v : null;
  }

  function setup(el) {
    if (typeof L === "undefined" || el.dataset.drawn) return;
    var lat = document.getElementById(el.getAttribute("data-lat"));
    var lon = document.getElementById(el.getAttribute("data-lon"));
    var boundary;
    try {
      boundary = JSON.parse(el.getAttribute("data-boundary"));
    } catch (e) {
      return;
    }
    if (!lat || !lon) return;
    el.dataset.drawn = "1";
    el.hidden = false;
    var hint = document.getElementById(el.getAttribute("aria-describedby"));
    if (hint) hint.hidden = false;

    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25, doubleClickZoom: false });
    var layer = L.geoJSON(boundary, { style: function () { return boundaryStyle; }, interactive: false }).addTo(map);
    var bounds = layer.getBounds();
    var pin = null;

    // There are no tiles to show streets: the whole municipality, and the
    // pin wherever it is, is the most a person can place it by.
    function fit() {
      var b = L.latLngBounds([]);
      if (bounds.isValid()) b.extend(bounds);
      if (pin) b.extend(pin.getLatLng());
      if (b.isValid()) {
        map.fitBounds(b, { padding: [12, 12], maxZoom: 14, animate: false });
      } else {
        map.setView([60, 90], 3, { animate: false });
      }
    }

    function show(latlng) {
      if (pin) {
        pin.setLatLng(latlng);
      } else {
        pin = L.circleMarker(latlng, pinStyle).addTo(map);
      }
    }

    // From the inputs: a point typed (or restored after a refused send).
    function fromInputs() {
      var a = num(lat), b = num(lon);
      if (a === null || b === null || a < -90 || a > 90 || b < -180 || b > 180) return false;
      show([a, b]);
      return true;
    }

    map.on("click", function (e) {
      var p = e.latlng.wrap();
      show(p);
      lat.value = p.lat.toFixed(6);
      lon.value = p.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      lon.dispatchEvent(new Event("change", { bubbles: true }));
    });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
    fit(); // a view first: Leaflet draws no layer on a map without one
    if (fromInputs()) fit();

    muni.refitOnResize(el, map, fit);
  }

  function init() {
    var maps = document.querySelectorAll(".map[data-boundary]");
    for (var i = 0; i < maps.length; i++) setup(maps[i]);
  }

  muni.ready(init);
})();
