/* The three-colour map: the user's blocks, each filled with its colour, named with its reasons
   when pointed at or tapped. Without a tile address the blocks are drawn on a plain background. */
(function () {
  "use strict";
  var source = document.getElementById("colour-config");
  if (!source) return;  // refused or a wrong period: no map
  var config = JSON.parse(source.textContent);
  var note = document.getElementById("map-note");
  var map = L.map("colour-map", { maxZoom: 19 });
  if (config.tiles.url) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  if (config.bounds) {
    map.fitBounds(config.bounds);
  } else {
    map.setView([31.23, 121.47], 10);
  }
  L.control.scale({ imperial: false }).addTo(map);

  fetch(config.blocks, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) {
      L.geoJSON(data, {
        style: function (feature) {
          var rating = config.ratings[feature.properties.code];
          var colour = rating ? rating[0] : "green";
          return {
            className: "block block-" + colour,
            color: "#4f5b69",
            weight: 0.8,
            fillColor: config.colours[colour],
            fillOpacity: colour === "green" ? 0.25 : 0.55,
          };
        },
        onEachFeature: function (feature, layer) {
          var rating = config.ratings[feature.properties.code];
          var text = document.createElement("span");
          text.textContent = feature.properties.name + (rating ? " · " + rating[1] : "");
          layer.bindTooltip(text, { sticky: true });
        },
      }).addTo(map);
    })
    .catch(function () {
      note.textContent = config.texts.failed;
    });
})();
