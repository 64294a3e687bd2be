// Copies the front-end libraries muni serves from node_modules into
// internal/platform/web/static/vendor, which Go embeds. The list must match
// web.VendorFiles (internal/platform/web/assets.go); a Go test fails when a
// file is missing. Nothing copied here is committed.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "internal/platform/web/static/vendor");

// [source under node_modules, destination under static/vendor]
const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images/marker-icon.png", "leaflet/images/marker-icon.png"],
  ["leaflet/dist/images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"],
  ["leaflet/dist/images/marker-shadow.png", "leaflet/images/marker-shadow.png"],
  ["leaflet/dist/images/layers.png", "leaflet/images/layers.png"],
  ["leaflet/dist/images/layers-2x.png", "leaflet/images/layers-2x.png"],
  ["uplot/dist/uPlot.iife.min.js", "uplot/uPlot.iife.min.js"],
  ["uplot/dist/uPlot.min.css", "uplot/uPlot.min.css"],
];

// Start clean so a file dropped from the list does not linger and get embedded.
for (const dir of ["leaflet", "uplot", "htmx.min.js"]) {
  rmSync(join(vendor, dir), { recursive: true, force: true });
}
for (const [src, dst] of files) {
  const to = join(vendor, dst);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, "node_modules", src), to);
}
console.log(`vendor-assets: copied ${files.length} files into ${vendor}`);
