/* The command centre's map: the grids by level, and the cases of the list's filters clustered
   and coloured by their light (or counted by grid when there are too many to draw one by one).
   The cases are fetched again for the part of the map in view, and each time the live list
   refreshes. Without a tile address the grids are drawn on a plain background. */
(function () {
  "use strict";
  var source = document.getElementById("centre-config");
  if (!source) return;  // filters refused: no map and no list to show
  var config = JSON.parse(source.textContent);
  var texts = config.texts;
  var note = document.getElementById("map-note");
  var RANK = { red: 3, yellow: 2, green: 1, none: 0 };
  var STYLES = {
    town: { className: "grid grid-town", color: "#1f5fa8", weight: 3, fill: false },
    area: { className: "grid grid-area", color: "#1f5fa8", weight: 2, dashArray: "6 4", fill: false },
    unit: { className: "grid grid-unit", color: "#4f5b69", weight: 1.2, fillColor: "#1f5fa8", fillOpacity: 0.04 },
    block: { className: "grid grid-block", color: "#8a96a3", weight: 0.8, fill: false },
  };
  var COARSE_FIRST = ["block", "unit", "area", "town"];

  // The map's own zoom limit: without tiles nothing else sets one, and clustering needs it.
  var map = L.map("centre-map", { maxZoom: 19 });
  if (config.tiles.url) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  if (config.bounds) {
    map.fitBounds(config.bounds);
  } else {
    map.setView([31.23, 121.47], 10);
  }
  L.control.scale({ imperial: false }).addTo(map);
  // Cases above the grids whatever order the layers were switched on in.
  map.createPane("cases").style.zIndex = 450;

  function json(response) {
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function failed() {
    note.textContent = texts.failed;
  }

  // The grid layers: fetched once each (the browser revalidates them), drawn finer below coarser.
  var layers = {};

  function stack() {
    COARSE_FIRST.forEach(function (level) {
      if (layers[level] && map.hasLayer(layers[level])) layers[level].bringToFront();
    });
  }

  function showLevel(box) {
    var level = box.value;
    if (!box.checked) {
      if (layers[level]) map.removeLayer(layers[level]);
      return;
    }
    if (layers[level]) {
      layers[level].addTo(map);
      stack();
      return;
    }
    fetch(config.grids + "?level=" + encodeURIComponent(level), { credentials: "same-origin" })
      .then(json)
      .then(function (data) {
        layers[level] = L.geoJSON(data, {
          style: STYLES[level],
          interactive: level !== "block",
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(feature.properties.name + " " + feature.properties.code, { sticky: true });
          },
        });
        if (box.checked) {
          layers[level].addTo(map);
          stack();
        }
      })
      .catch(failed);
  }

  document.querySelectorAll("#grid-layers input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () { showLevel(box); });
    if (box.checked) showLevel(box);
  });

  // The cases, and the counts by grid that stand for them on a crowded map: clustered
  // together where they would overlap, each cluster showing how many cases it holds and the
  // worst light among them.
  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction: function (group) {
      var worst = "none";
      var cases = 0;
      group.getAllChildMarkers().forEach(function (marker) {
        if (RANK[marker.options.light] > RANK[worst]) worst = marker.options.light;
        cases += marker.options.count;
      });
      return bubble(cases, worst, "case-cluster");
    },
  }).addTo(map);

  // A round marker with a number of cases, as wide as the number needs.
  function bubble(count, light, kind) {
    var size = 16 + 8 * String(count).length;
    return L.divIcon({
      html: String(count),
      className: kind + " light-" + light,
      iconSize: L.point(size, size),
    });
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, name) { return String(values[name]); });
  }

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = config.case.replace("NUMBER", encodeURIComponent(point.number));
    link.textContent = point.number;
    link.title = texts.open;
    var what = document.createElement("div");
    what.textContent = point.category + " · " + point.status;
    var light = document.createElement("div");
    light.textContent = texts.lights[point.light];
    box.append(link, what, light);
    return box;
  }

  function draw(data) {
    cluster.clearLayers();
    cluster.addLayers(data.points.map(function (point) {
      var marker = L.circleMarker([point.lat, point.lng], {
        pane: "cases",
        className: "case-marker light-" + point.light,
        radius: point.urgent ? 8 : 6,
        weight: point.urgent ? 3 : 1,
        color: point.urgent ? "#8e1b6b" : "#ffffff",
        fillColor: config.colours[point.light],
        fillOpacity: 0.95,
        light: point.light,
        count: 1,
      });
      marker.bindPopup(function () { return popup(point); });
      return marker;
    }));
    cluster.addLayers(data.groups.map(function (group) {
      var marker = L.marker([group.lat, group.lng], {
        title: group.name,
        icon: bubble(group.count, group.light, "case-group"),
        light: group.light,
        count: group.count,
      });
      marker.bindTooltip(group.name + " · " + format(texts.cases, group));
      marker.on("click", function () { map.setView(marker.getLatLng(), map.getZoom() + 2); });
      return marker;
    }));
    if (data.groups.length) {
      note.textContent = texts.grouped;
    } else {
      note.textContent = data.points.length ? "" : texts.empty;
    }
  }

  var latest = 0;
  function clamp(value, limit) {
    return Math.max(-limit, Math.min(limit, value)).toFixed(6);
  }

  function loadCases() {
    var asked = ++latest;
    var view = map.getBounds().pad(0.1);
    var bbox = [
      clamp(view.getWest(), 180), clamp(view.getSouth(), 90),
      clamp(view.getEast(), 180), clamp(view.getNorth(), 90),
    ].join(",");
    var query = config.query ? config.query + "&" : "";
    fetch(config.cases + "?" + query + "bbox=" + bbox, { credentials: "same-origin" })
      .then(json)
      .then(function (data) {
        if (asked === latest) draw(data);  // an older answer arriving late is dropped
      })
      .catch(failed);
  }

  var moved = null;
  map.on("moveend", function () {
    clearTimeout(moved);
    moved = setTimeout(loadCases, 250);
  });
  document.body.addEventListener("centre-updated", loadCases);
  loadCases();

  // "Select all" ticks the page's cases that can be dispatched (the list is replaced as it
  // refreshes, so the listener sits on the document).
  document.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    document.querySelectorAll("#live input[name=case]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });

  // A dispatch refused as a whole (nothing ticked) says why where the outcomes go.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id === "dispatch-result" && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
