// The dashboard's charts, drawn by Apache ECharts (served from /static/vendor, no CDN) from the figures the page
// carries as JSON (#dashboard-data): the same numbers the page shows as text, every label already in its language.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;  // without the charts the page still shows every figure as text
  var data = JSON.parse(source.textContent);
  var charts = [];
  var palette = ["#9b1c1c", "#3559a8", "#17663a", "#9a5b00", "#6b4fa0", "#0f7c86", "#b42318", "#5d6675", "#c2802b",
                 "#2f7d5b"];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    charts.push(chart);
  }

  draw("chart-days", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 40 },
    xAxis: { type: "category", data: data.days, name: data.words.day, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", name: data.words.cards, minInterval: 1 },
    series: [
      { name: data.words.new, type: "bar", stack: "issued", barMaxWidth: 28, data: data.new },
      { name: data.words.successors, type: "bar", stack: "issued", data: data.successors }
    ]
  });

  // the statuses named in the legend below the ring, the counts on it: long names never run out of the box
  draw("chart-status", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { type: "scroll", bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "68%"], center: ["50%", "45%"], data: data.statuses,
               label: { position: "inside", formatter: "{c}", color: "#fff" } }]
  });

  var consultants = data.consultants.slice().reverse();  // the most cards at the top
  draw("chart-consultants", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: consultants.map(function (c) { return c.name; }) },
    series: [{ name: data.words.cards, type: "bar", barMaxWidth: 28,
               data: consultants.map(function (c) { return c.value; }) }]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
