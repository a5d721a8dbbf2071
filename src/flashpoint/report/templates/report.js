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
  // The appendix: each part is folded on screen; a link to it (the contents) opens it.
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var fold = target.querySelector(":scope > details.fold");
    if (fold) { fold.open = true; }
    for (var d = target.closest("details"); d; d = d.parentElement.closest("details")) {
      d.open = true;
    }
  }
  document.querySelectorAll('a[href^="#"]').forEach(function (link) {
    link.addEventListener("click", function () {
      reveal(decodeURIComponent(link.getAttribute("href").slice(1)));
    });
  });
  window.addEventListener("hashchange", function () {
    reveal(decodeURIComponent(location.hash.slice(1)));
  });
  if (location.hash) { reveal(decodeURIComponent(location.hash.slice(1))); }
  // A chart drawn while folded away is fitted to its box when opened.
  var printing = false, opened = [];
  document.querySelectorAll("details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || printing) { return; }
      details.querySelectorAll(".plot").forEach(function (p) {
        if (plots.indexOf(p) >= 0) { Plotly.Plots.resize(p); }
      });
    });
  });
  // Printing: open every folded part of the appendix (a folded group, such as one actor's
  // explanations, prints only if opened on screen: all of them would take a dozen pages), and
  // draw each chart smaller: the CSS properties --print-columns and --print-scale (report.css)
  // say how many charts share a row of the A4 page, less its margins, and the share of its
  // screen height a chart keeps. A chart whose labels would not fit that size (one cut at the
  // edge, a tick label left out, a legend that scrolls) is drawn taller, then across the row.
  var PRINT_WIDTH = 708, PRINT_GAP = 12;  // px: 210 mm less 2 x 11 mm of margin; the grid's gap
  function labels(p) {  // the tick labels of its category axes (a crowded one leaves some out)
    var layout = p._fullLayout || {}, count = 0;
    Object.keys(layout).forEach(function (key) {
      var axis = layout[key];
      if (/^[xy]axis\d*$/.test(key) && axis && axis.type === "category") {
        count += p.querySelectorAll("." + axis._id + "tick text").length;
      }
    });
    return count;
  }
  function overflow(p) {  // how far its texts cross each edge of the chart, in px, and in all
    var box = p.querySelector(".main-svg").getBoundingClientRect();
    var over = { l: 0, r: 0, t: 0, b: 0, total: 0 };
    p.querySelectorAll(".main-svg text").forEach(function (text) {
      var r = text.getBoundingClientRect();
      if (!text.textContent || r.width === 0) { return; }
      var by = { l: box.left - r.left, r: r.right - box.right,
                 t: box.top - r.top, b: r.bottom - box.bottom };
      Object.keys(by).forEach(function (edge) {
        if (by[edge] > 0) {
          over[edge] = Math.max(over[edge], Math.ceil(by[edge]));
          over.total += by[edge];
        }
      });
    });
    return over;
  }
  function fits(p, before) {
    var scrolls = Array.prototype.some.call(p.querySelectorAll(".legend .scrollbar"),
      function (bar) { return parseFloat(bar.getAttribute("height") || "0") > 0; });
    return !scrolls && overflow(p).total <= 1 && labels(p) >= before.labels;
  }
  var PRINTED = ["autosize", "width", "height", "font.size", "legend.font.size",
                 "legend.tracegroupgap", "legend.itemwidth",
                 "margin.l", "margin.r", "margin.t", "margin.b"];  // the layout print changes
  function setting(layout, path) {
    var value = path.split(".").reduce(function (v, key) { return v && v[key]; }, layout);
    return value === undefined ? null : value;  // null: the default, as before
  }
  function fitToPrint(p) {
    var style = getComputedStyle(p);
    var columns = parseInt(style.getPropertyValue("--print-columns"), 10) || 1;
    var scale = parseFloat(style.getPropertyValue("--print-scale")) || 1;
    var layout = p.layout, before = { labels: labels(p) };
    var height = layout.height || 450, font = layout.font.size || 12;
    p.screenLayout = {};
    PRINTED.forEach(function (path) { p.screenLayout[path] = setting(layout, path); });
    var tries = [];
    [columns, 1].forEach(function (n) {
      if (n === columns || columns > 1) {
        [scale, (scale + 1) / 2, 1].forEach(function (s) { tries.push([n, s]); });
      }
    });
    for (var i = 0; i < tries.length; i++) {
      var n = tries[i][0], size = Math.min(font, n > 2 ? 9 : 10);
      p.closest(".chart").classList.toggle("print-row", n === 1 && columns > 1);
      Plotly.relayout(p, {
        autosize: false,
        width: Math.floor((PRINT_WIDTH - PRINT_GAP * (n - 1)) / n),
        height: Math.round(height * Math.min(1, tries[i][1])),
        "font.size": size,
        "legend.font.size": size - 1,
        "legend.tracegroupgap": 0,
        "legend.itemwidth": 30
      });
      var over = overflow(p);
      if (over.total > 1) {  // a label across an edge: widen the margin it crosses (twice as
        // much: a centred title moves by half)
        var margin = p._fullLayout.margin, wider = {};
        [["l", "margin.l"], ["r", "margin.r"], ["t", "margin.t"], ["b", "margin.b"]].forEach(
          function (side) {
            if (over[side[0]] > 0) { wider[side[1]] = margin[side[0]] + 2 * over[side[0]] + 2; }
          });
        Plotly.relayout(p, wider);
      }
      if (fits(p, before)) { return; }
    }
  }
  function toPrint() {
    if (printing) { return; }
    printing = true;
    document.querySelectorAll("details.fold").forEach(function (d) {
      if (!d.open) { d.open = true; opened.push(d); }
    });
    plots.forEach(fitToPrint);
  }
  function toScreen() {
    if (!printing) { return; }
    printing = false;
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    plots.forEach(function (p) {
      var kept = p.screenLayout;
      if (!kept) { return; }
      p.closest(".chart").classList.remove("print-row");
      Plotly.relayout(p, kept);
      Plotly.Plots.resize(p);
    });
  }
  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  var print = window.matchMedia && window.matchMedia("print");
  if (print && print.addEventListener) {
    print.addEventListener("change", function (e) {
      if (e.matches) { toPrint(); } else { toScreen(); }
    });
  }
})();
