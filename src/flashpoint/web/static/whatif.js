// What if: every input of a scenario as a slider or a typed value; each change asks the server
// for the headline forecast with the changes (POST /api/whatif) and shows it beside the headline
// as saved. The changes live in the page's address (?PATH=VALUE&...), so a link shows the same;
// undo and redo step through them.
(function () {
  "use strict";
  var api = window.flashpoint;
  var page = api.pageData();
  var data = page.data;
  var edits = page.edits.slice();       // [{path, value}] in the order made
  // Undo and redo: the earlier and later lists of edits. A page opened from a link can undo
  // its edits one by one, the last first, as the page that made them could.
  var past = edits.map(function (e, k) { return edits.slice(0, k); }), ahead = [];
  var asked = 0;                        // the number of the latest request (older answers are dropped)
  var timer = null;
  var inputsBox = document.getElementById("inputs");
  var errorBox = document.querySelector('[data-testid="whatif-error"]');
  var statusLine = document.querySelector('[data-testid="whatif-status"]');
  var sentence = document.querySelector('[data-testid="whatif-sentence"]');
  var futuresBody = document.querySelector('[data-testid="whatif-futures"] tbody');
  var resultBox = document.querySelector('[data-testid="whatif-headline"]');
  var editsList = document.querySelector('[data-testid="whatif-edits"]');
  var undoButton = document.getElementById("undo");
  var redoButton = document.getElementById("redo");
  var resetButton = document.getElementById("reset");
  var saveButton = document.getElementById("save");
  var fields = {};                      // path -> {number, slider, stated, low, high}

  function issueOf(id) { return data.issues.filter(function (i) { return i.id === id; })[0]; }
  function label(record) { return record.label || record.id; }
  function finite(text) { var v = Number(String(text).trim().replace(",", ".")); return String(text).trim() !== "" && isFinite(v) ? v : null; }
  function shown(v) { return Math.round(v * 1000) / 1000; }

  function editOf(path) { return edits.filter(function (e) { return e.path === path; })[0]; }
  function valueOf(path) { var e = editOf(path); return e ? e.value : fields[path].stated; }

  // --- the address: each edit a parameter PATH=VALUE (a shock: on or off) ---
  function address() {
    var params = new URLSearchParams();
    edits.forEach(function (e) { params.append(e.path, typeof e.value === "boolean" ? (e.value ? "on" : "off") : String(e.value)); });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  // --- changes, undo and redo ---
  function commit(next) {
    past.push(edits);
    ahead = [];
    edits = next;
    changed();
  }

  function setValue(path, value) {
    var field = fields[path];
    var next = edits.filter(function (e) { return e.path !== path; });
    if (value !== field.stated) { next.push({ path: path, value: value }); }
    commit(next);
  }

  function undo() { if (past.length) { ahead.push(edits); edits = past.pop(); changed(); } }
  function redo() { if (ahead.length) { past.push(edits); edits = ahead.pop(); changed(); } }

  function changed() {
    window.history.replaceState(null, "", address());
    showInputs();
    showEdits();
    undoButton.disabled = !past.length;
    redoButton.disabled = !ahead.length;
    resetButton.disabled = !edits.length;
    saveButton.disabled = !edits.length;
    clearTimeout(timer);
    resultBox.dataset.state = "working";
    timer = setTimeout(forecast, 250);
  }

  // --- the forecast ---
  function points(p) {
    if (p === 0) { return "±0 points"; }
    return (p > 0 ? "+" : "−") + Math.abs(p) + " point" + (Math.abs(p) === 1 ? "" : "s");
  }

  function percent(p) { return Math.round(p * 100) + "%"; }

  function forecast() {
    var number = ++asked;
    resultBox.dataset.state = "working";
    statusLine.textContent = "Working it out…";
    var started = performance.now();
    api.call("POST", "/api/whatif", { scenario: page.scenario, edits: edits, draws: page.draws })
      .then(function (answer) {
        if (number !== asked) { return; }  // a later change asked again
        resultBox.dataset.state = answer.ok ? "ready" : "refused";
        if (!answer.ok) { api.showError(errorBox, answer.body, answer.status); statusLine.textContent = ""; return; }
        errorBox.hidden = true;
        show(answer.body);
        statusLine.textContent = "Worked out in " + ((performance.now() - started) / 1000).toFixed(1) + " s, over " + answer.body.draws.toLocaleString("en") + " draws (seed " + answer.body.seed + ").";
      });
  }

  function show(result) {
    sentence.textContent = result.sentence;
    futuresBody.textContent = "";
    var leading = result.leading ? result.leading.id : null;
    result.futures.forEach(function (f) {
      var row = document.createElement("tr");
      row.dataset.future = f.id;
      if (f.id === leading) { row.className = "leading"; }
      [label(f) + (f.id === leading ? " (leads)" : ""), percent(f.saved), percent(f.probability), points(f.points)].forEach(function (text, k) {
        var cell = document.createElement(k === 0 ? "th" : "td");
        if (k > 0) { cell.className = "num"; }
        if (k === 2) { cell.dataset.testid = "whatif-probability"; }
        cell.textContent = text;
        row.appendChild(cell);
      });
      futuresBody.appendChild(row);
    });
    showIssues(result);
    var words = {};
    result.edits.forEach(function (e) { words[e.path] = e.words; });
    Array.prototype.forEach.call(editsList.children, function (item) {
      if (words[item.dataset.path]) { item.querySelector("span").textContent = words[item.dataset.path]; }
    });
  }

  function showIssues(result) {
    var now = result.recommended || {}, before = result.saved || {};
    var agreement = document.querySelector('[data-testid="whatif-agreement"]');
    agreement.textContent = now.agreement && before.agreement
      ? "Agreement is reached on " + percent(now.agreement.probability) + " of draws with your changes (" + percent(before.agreement.probability) + " as saved)."
      : "";
    if (!result.futures.length) { document.querySelector('[data-testid="whatif-issues-box"]').open = true; }
    var body = document.querySelector('[data-testid="whatif-issues"] tbody');
    body.textContent = "";
    data.issues.forEach(function (issue) {
      var a = (before.distribution || {})[issue.id], b = (now.distribution || {})[issue.id];
      if (!a || !b) { return; }
      var row = document.createElement("tr");
      var range = b.interval_80 ? shown1(b.interval_80[0]) + " to " + shown1(b.interval_80[1]) : "";
      [label(issue), shown1(a.mean), shown1(b.mean), range].forEach(function (text, k) {
        var cell = document.createElement(k === 0 ? "th" : "td");
        if (k > 0) { cell.className = "num"; }
        cell.textContent = text;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  function shown1(v) { return (Math.round(v * 10) / 10).toFixed(1).replace("-", "−"); }

  // --- the list of changes ---
  function showEdits() {
    editsList.textContent = "";
    if (!edits.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "None yet: the scenario as saved.";
      editsList.appendChild(none);
      return;
    }
    edits.forEach(function (e) {
      var item = document.createElement("li");
      item.dataset.path = e.path;
      var text = document.createElement("span");
      text.textContent = describe(e);
      item.appendChild(text);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "small";
      remove.textContent = "Take back";
      remove.setAttribute("aria-label", "Take back: " + describe(e));
      remove.addEventListener("click", function () { commit(edits.filter(function (x) { return x.path !== e.path; })); });
      item.appendChild(remove);
      editsList.appendChild(item);
    });
  }

  function describe(e) {
    var field = fields[e.path];
    if (typeof e.value === "boolean") { return field.name + ": " + (e.value ? "applied" : "not applied"); }
    var was = field.stated === null ? "none" : shown(field.stated);
    return field.name + " " + was + " → " + shown(e.value);
  }

  // --- the inputs ---
  function numberField(path, name, stated, low, high, step) {
    fields[path] = { name: name, stated: stated, low: low, high: high };
    var box = document.createElement("div");
    box.className = "whatif-input";
    var slider = null;
    if (isFinite(high) && stated !== null) {
      slider = document.createElement("input");
      slider.type = "range";
      slider.min = low; slider.max = high; slider.step = step;
      slider.setAttribute("aria-label", name + " (slider)");
      slider.dataset.testid = "slider:" + path;
      slider.addEventListener("change", function () { setValue(path, Number(slider.value)); });
      slider.addEventListener("input", function () { number.value = slider.value; });
      box.appendChild(slider);
    }
    var number = document.createElement("input");
    number.type = "text";
    number.inputMode = "decimal";
    number.placeholder = stated === null ? "none" : "";
    number.setAttribute("aria-label", name);
    number.dataset.testid = "value:" + path;
    var note = document.createElement("span");
    note.className = "cell-problem";
    number.addEventListener("change", function () {
      var value = finite(number.value);
      if (number.value.trim() === "" && stated === null) { setValue(path, null); return; }
      if (value === null || value < low || value > high) {
        number.classList.add("bad");
        note.textContent = value === null ? "a number, please" : (isFinite(high) ? "from " + low + " to " + high : low + " or more");
        return;
      }
      setValue(path, value);
    });
    box.appendChild(number);
    box.appendChild(note);
    fields[path].number = number;
    fields[path].slider = slider;
    fields[path].note = note;
    return box;
  }

  function cell(tag, child, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (typeof child === "string") { node.textContent = child; } else if (child) { node.appendChild(child); }
    return node;
  }

  function build() {
    // A scale left at its default is not written in the scenario's data.
    data.issues.forEach(function (issue) {
      if (issue.min === undefined || issue.min === null) { issue.min = 0; }
      if (issue.max === undefined || issue.max === null) { issue.max = 100; }
    });
    var scale = data.salience_scale || 100;
    var shocks = data.shocks || [];
    if (shocks.length) {
      var shockBox = cell("fieldset", null, "whatif-shocks");
      shockBox.appendChild(cell("legend", "Shocks: apply one or more"));
      shocks.forEach(function (shock) {
        var path = "shocks." + shock.id;
        fields[path] = { name: "Shock: " + label(shock), stated: false };
        var box = document.createElement("input");
        box.type = "checkbox";
        box.dataset.testid = "value:" + path;
        box.addEventListener("change", function () { setValue(path, box.checked); });
        fields[path].number = box;
        var line = cell("label", null, "check");
        line.appendChild(box);
        line.appendChild(document.createTextNode(" " + label(shock)));
        if (shock.description) { line.title = shock.description; }
        shockBox.appendChild(line);
      });
      inputsBox.appendChild(shockBox);
    }
    var reverting = data.issues.filter(function (i) { return i.reversion !== undefined && i.reversion !== null; });
    if (reverting.length) {
      var issueTable = cell("table", null, "whatif-table");
      issueTable.appendChild(cell("caption", "Where each issue stays without agreement"));
      reverting.forEach(function (issue) {
        var row = cell("tr");
        row.appendChild(cell("th", label(issue)));
        row.appendChild(cell("td", numberField("issues." + issue.id + ".reversion", label(issue) + ": outcome of no deal", issue.reversion, issue.min, issue.max, (issue.max - issue.min) / 100)));
        issueTable.appendChild(row);
      });
      inputsBox.appendChild(cell("div", issueTable, "table-wrap"));
    }
    data.actors.forEach(function (actor, k) {
      var box = cell("details", null, "whatif-actor");
      box.open = k < 3;
      box.appendChild(cell("summary", label(actor)));
      if (actor.capability !== undefined && actor.capability !== null) {
        var own = cell("div", null, "whatif-own");
        own.appendChild(cell("span", "Capability "));
        own.appendChild(numberField("actors." + actor.id + ".capability", label(actor) + ": capability", actor.capability, 0, Infinity, 1));
        box.appendChild(own);
      }
      var table = cell("table", null, "whatif-table");
      var head = cell("tr");
      ["Issue", "Position", "Salience", "Red line", "Cost of no deal", "Capability on it"].forEach(function (h) { head.appendChild(cell("th", h)); });
      table.appendChild(cell("thead", head));
      var body = cell("tbody");
      Object.keys(actor.issues || {}).forEach(function (issueId) {
        var issue = issueOf(issueId);
        var stance = actor.issues[issueId];
        var at = "actors." + actor.id + ".issues." + issueId + ".";
        var name = label(actor) + ", " + label(issue) + ": ";
        var step = (issue.max - issue.min) / 100;
        var row = cell("tr");
        row.appendChild(cell("th", label(issue)));
        row.appendChild(cell("td", numberField(at + "position", name + "position", stance.position, issue.min, issue.max, step)));
        row.appendChild(cell("td", numberField(at + "salience", name + "salience", stance.salience, 0, scale, scale / 100)));
        var line = stance.red_line === undefined ? null : stance.red_line;
        row.appendChild(cell("td", numberField(at + "red_line", name + "red line", line, issue.min, issue.max, step)));
        row.appendChild(cell("td", numberField(at + "no_deal_cost", name + "cost of no deal", stance.no_deal_cost || 0, 0, Infinity, 1)));
        var capability = stance.capability !== undefined && stance.capability !== null ? stance.capability : actor.capability;
        row.appendChild(cell("td", numberField(at + "capability", name + "capability", capability === undefined ? null : capability, 0, Infinity, 1)));
        body.appendChild(row);
      });
      table.appendChild(body);
      box.appendChild(cell("div", table, "table-wrap"));
      inputsBox.appendChild(box);
    });
  }

  // Each input shows its value now; a changed one is marked.
  function showInputs() {
    Object.keys(fields).forEach(function (path) {
      var field = fields[path];
      var value = valueOf(path);
      if (field.number.type === "checkbox") {
        field.number.checked = value === true;
      } else {
        field.number.value = value === null ? "" : String(shown(value));
        field.number.classList.remove("bad");
        field.note.textContent = "";
        if (field.slider) { field.slider.value = value === null ? field.low : value; }
      }
      var holder = field.number.closest(".whatif-input, label");
      if (holder) { holder.classList.toggle("moved", !!editOf(path)); }
    });
  }

  // --- buttons ---
  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);
  resetButton.addEventListener("click", function () { commit([]); });
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || (event.target && event.target.type === "text")) { return; }
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
  });
  saveButton.addEventListener("click", function () {
    var box = document.getElementById("save-error");
    var name = document.getElementById("save-name").value.trim();
    api.call("POST", "/api/whatif/save", { scenario: page.scenario, edits: edits, id: name || null })
      .then(function (answer) {
        if (!answer.ok) { api.showError(box, answer.body, answer.status); return; }
        window.location.href = answer.body.page;
      });
  });
  document.getElementById("detail").addEventListener("click", function () {
    api.call("POST", "/api/whatif", { scenario: page.scenario, edits: edits, draws: page.draws, detail: true })
      .then(function (answer) {
        if (!answer.ok) { api.showError(errorBox, answer.body, answer.status); return; }
        window.location.href = answer.body.detail.page;
      });
  });

  build();
  // The server checked the address's edits against the scenario; each names an input here.
  edits = edits.filter(function (e) { return fields[e.path]; });
  changed();
})();
