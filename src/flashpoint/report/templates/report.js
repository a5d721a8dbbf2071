// Draw each chart from its figure data, with the plotly.js inlined above: no network request.
(function () {
  "use strict";
  var config = { displaylogo: false, responsive: true,
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };
  var plots = [];
  document.querySelectorAll("script.figure-data").forEach(function (script) {
    var target = document.querySelector('.plot[data-figure="' + script.dataset.for + '"]');
    if (!target) { return; }
    var figure = JSON.parse(script.textContent);
    figure.layout.title = { text: "" };  // the page shows the title above the chart
    Plotly.newPlot(target, figure.data, figure.layout, config);
    plots.push(target);
  });
  document.querySelectorAll("button.download").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.dataset.document;
      var text = document.getElementById("document-" + name).textContent;
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      link.download = name + ".json";
      link.click();
      URL.revokeObjectURL(link.href);
    });
  });
  // Printing: open the folded explanations and fit the charts to the page.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    plots.forEach(function (p) { Plotly.Plots.resize(p); });
  });
  window.addEventListener("afterprint", function () {
    plots.forEach(function (p) { Plotly.Plots.resize(p); });
  });
})();
