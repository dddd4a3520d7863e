// An import's page follows its job: every second while it is queued or running, the bar, the counts and the first
// wrong rows are refreshed; when it ends, the page reloads once to show the outcome as the server words it.
(function () {
  var panel = document.getElementById("job");
  if (!panel || !window.fetch) return;
  var status = panel.getAttribute("data-status");
  if (status !== "queued" && status !== "running") return;
  var url = panel.getAttribute("data-progress");
  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) return setTimeout(tick, 2000);
        document.getElementById("job-bar").value = job.done_rows;
        text("job-done", job.done_rows);
        text("job-created", job.created);
        text("job-skipped", job.skipped);
        text("job-errors", job.error_rows);
        if (job.status === "done" || job.status === "failed") return window.location.reload();
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 500);
})();
