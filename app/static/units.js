// Opening day: the sales control sheet follows the counters. Every 4 seconds it asks for each unit's status and
// recolours the cells and counts that changed, without reloading (a manager may be typing in a form below).
(function () {
  var panel = document.getElementById("totals");
  if (!panel || !window.fetch) return;
  var url = panel.getAttribute("data-live");
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        Object.keys(data.units).forEach(function (code) {
          var cell = document.querySelector('td[data-unit="' + CSS.escape(code) + '"]');
          if (cell) cell.className = "unit unit-" + data.units[code];
        });
        Object.keys(data.counts).forEach(function (status) {
          var cell = document.querySelector('td[data-count="' + status + '"]');
          if (cell) cell.textContent = data.counts[status];
        });
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  setInterval(refresh, 4000);
})();
