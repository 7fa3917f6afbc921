// The case page's map: the case's grid and its point. No base map is needed, so it draws offline.
(function () {
  "use strict";
  var element = document.getElementById("case-map");
  var source = document.getElementById("case-map-data");
  if (!element || !source || !window.L) return;
  var where = JSON.parse(source.textContent);
  var map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
  var grid = L.geoJSON(where.grid, { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.08 } });
  // The view first: Leaflet places layers by the map's view.
  map.fitBounds(grid.getBounds(), { padding: [12, 12] });
  grid.addTo(map);
  L.circleMarker([where.lat, where.lng], {
    radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1
  }).addTo(map);
})();
