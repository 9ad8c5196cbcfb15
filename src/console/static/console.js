// Tells the reviewer when findings newer than the page have come in (a scan a minute ago), without
// reloading by itself: the page they read stays put until they choose to refresh.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var shown = Number(live.getAttribute("data-latest")) || 0;
  function check() {
    fetch("/findings/latest", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.latest_id > shown) { live.hidden = false; }
      })
      .catch(function () { /* the next tick asks again */ });
  }
  setInterval(check, 30000);
})();
