// The scenario editor: the actors x issues table of positions and saliences, checked by the
// server (POST /api/scenarios/validate) as the user types; each problem is shown next to the
// value it is about (matched by its path, e.g. actors[2].issues.peace.salience).
(function () {
  "use strict";
  var api = window.flashpoint;
  var page = api.pageData();
  var data = page.data;
  var grid = document.getElementById("grid");
  var problemsBox = document.getElementById("problems");
  var statusLine = document.getElementById("status");
  var pending = null;
  var checkedOnce = false;

  function idOf(label, taken) {
    var base = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "x";
    if (!/^[a-z]/.test(base)) { base = "x_" + base; }
    var id = base, n = 2;
    while (taken.indexOf(id) >= 0) { id = base + "_" + n; n += 1; }
    return id;
  }

  // A typed value: empty is none, a number is a number, anything else is kept as typed so
  // that the server can say what is wrong with it.
  function parsed(text) {
    var trimmed = text.trim();
    if (trimmed === "") { return null; }
    var value = Number(trimmed.replace(",", "."));
    return isNaN(value) ? trimmed : value;
  }

  function shown(value) { return value === null || value === undefined ? "" : String(value); }

  function input(path, value, testid, label, onChange) {
    var field = document.createElement("input");
    field.type = "text";
    field.value = shown(value);
    field.dataset.path = path;
    field.setAttribute("aria-label", label);
    if (testid) { field.dataset.testid = testid; }
    field.addEventListener("input", function () { onChange(field.value); changed(); });
    return field;
  }

  function cell(tag, child, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (typeof child === "string") { node.textContent = child; } else if (child) { node.appendChild(child); }
    return node;
  }

  function button(text, title, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small";
    b.textContent = text;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", onClick);
    return b;
  }

  // The uncertainty entries of one input (an actor's position, salience or capability on an
  // issue; a capability with no issue is the actor's own), with their index in the list.
  function uncertain(actorId, issueId, field) {
    return (data.uncertainty || []).map(function (u, index) { return { entry: u, index: index }; })
      .filter(function (found) {
        var u = found.entry;
        return u.actor === actorId && u.field === field && (u.issue || null) === (issueId || null);
      });
  }

  // A stated value's distribution follows it, inside its range, when it was centred on it as
  // loaded: a triangular one's mode, a normal or beta one's mean (left out, they are the stated
  // value already).
  function centre(u) { return u.distribution === "triangular" ? "mode" : (u.distribution === "normal" || u.distribution === "beta") ? "mean" : null; }
  function stated(u) {
    var actor = (data.actors || []).filter(function (a) { return a.id === u.actor; })[0];
    if (!actor) { return undefined; }
    if (u.field === "capability" && !u.issue) { return actor.capability; }
    return ((actor.issues || {})[u.issue] || {})[u.field];
  }
  var centred = new Set((data.uncertainty || []).filter(function (u) {
    var key = centre(u);
    return key && u[key] !== undefined && u[key] !== null && u[key] === stated(u);
  }));

  function follow(actorId, issueId, field, after) {
    if (typeof after !== "number") { return; }
    uncertain(actorId, issueId, field).forEach(function (found) {
      var u = found.entry;
      var inside = (typeof u.low !== "number" || after >= u.low) && (typeof u.high !== "number" || after <= u.high);
      if (centred.has(u) && inside) { u[centre(u)] = after; }
    });
  }

  // Under an uncertain input: the range its draws come from, a button that changes it.
  function rangeButton(actorId, issueId, field) {
    var found = uncertain(actorId, issueId, field);
    if (!found.length) { return null; }
    var u = found[0].entry;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "uncertain";
    b.dataset.path = "uncertainty[" + found[0].index + "]";
    b.dataset.testid = "range-" + actorId + "-" + (issueId || "") + "-" + field;
    var centre = u.mode !== undefined && u.mode !== null ? ", mode " + u.mode : (u.mean !== undefined && u.mean !== null ? ", mean " + u.mean : "");
    b.textContent = (u.low !== undefined && u.low !== null ? shown(u.low) + "–" + shown(u.high) : u.distribution);
    b.title = "Drawn from a " + u.distribution + " distribution" + (u.low !== undefined && u.low !== null ? " from " + u.low + " to " + u.high : "") +
      centre + " in the Monte Carlo draws. Click to change its range." + (u.note ? "\n" + u.note : "");
    b.addEventListener("click", function () {
      var answer = window.prompt("The range its draws come from (low to high):", shown(u.low) + " to " + shown(u.high));
      if (!answer) { return; }
      var parts = answer.split(/\s*(?:to|-|–|,)\s*/).map(function (t) { return parsed(t); });
      if (parts.length !== 2) { window.alert("Write it as: low to high"); return; }
      u.low = parts[0];
      u.high = parts[1];
      draw(); changed();
    });
    return b;
  }

  function setStance(actor, issueId, key, text) {
    actor.issues = actor.issues || {};
    var stance = actor.issues[issueId] || {};
    follow(actor.id, issueId, key, parsed(text));
    stance[key] = parsed(text);
    var others = Object.keys(stance).filter(function (k) {
      return (k !== "position" && k !== "salience") || stance[k] !== null;
    });
    if (others.length === 0) { delete actor.issues[issueId]; } else { actor.issues[issueId] = stance; }
  }

  function appendRange(td, actorId, issueId, field) {
    var b = rangeButton(actorId, issueId, field);
    if (b) { td.appendChild(b); }
  }

  function draw() {
    grid.textContent = "";
    var issues = data.issues || [];
    var actors = data.actors || [];
    var head = document.createElement("thead");
    var top = document.createElement("tr");
    top.appendChild(cell("th", "Actor"));
    top.appendChild(cell("th", "Capability"));
    issues.forEach(function (issue, i) {
      var th = cell("th", null, "issue");
      th.colSpan = 2;
      var name = document.createElement("span");
      name.textContent = issue.label || issue.id;
      th.appendChild(name);
      var scale = document.createElement("div");
      scale.className = "muted small";
      scale.textContent = "scale " + shown(issue.min === undefined ? 0 : issue.min) + " to " + shown(issue.max === undefined ? 100 : issue.max);
      th.appendChild(scale);
      th.dataset.path = "issues[" + i + "]";
      th.appendChild(button("×", "Remove the issue " + (issue.label || issue.id), function () {
        if (!window.confirm("Remove the issue '" + (issue.label || issue.id) + "' and every stance on it?")) { return; }
        issues.splice(i, 1);
        actors.forEach(function (a) { if (a.issues) { delete a.issues[issue.id]; } });
        draw(); changed();
      }));
      top.appendChild(th);
    });
    top.appendChild(cell("th", ""));
    head.appendChild(top);
    var second = document.createElement("tr");
    second.appendChild(cell("th", ""));
    second.appendChild(cell("th", ""));
    issues.forEach(function () {
      second.appendChild(cell("th", "Position", "sub"));
      second.appendChild(cell("th", "Salience", "sub"));
    });
    second.appendChild(cell("th", ""));
    head.appendChild(second);
    grid.appendChild(head);

    var body = document.createElement("tbody");
    actors.forEach(function (actor, a) {
      var row = document.createElement("tr");
      row.dataset.actor = actor.id;
      var base = "actors[" + a + "]";
      row.appendChild(cell("td", input(base + ".label", actor.label || actor.id, "label-" + actor.id,
        "Name of actor " + (a + 1), function (text) { actor.label = text; })));
      row.appendChild(cell("td", input(base + ".capability", actor.capability, "capability-" + actor.id,
        "Capability of " + (actor.label || actor.id), function (text) {
          follow(actor.id, null, "capability", parsed(text));
          actor.capability = parsed(text);
        }), "num"));
      appendRange(row.lastChild, actor.id, null, "capability");
      issues.forEach(function (issue) {
        var stance = (actor.issues || {})[issue.id] || {};
        ["position", "salience"].forEach(function (key) {
          var path = base + ".issues." + issue.id + "." + key;
          row.appendChild(cell("td", input(path, stance[key], "cell-" + actor.id + "-" + issue.id + "-" + key,
            key + " of " + (actor.label || actor.id) + " on " + (issue.label || issue.id),
            function (text) { setStance(actor, issue.id, key, text); }), "num"));
          appendRange(row.lastChild, actor.id, issue.id, key);
        });
      });
      row.appendChild(cell("td", button("×", "Remove " + (actor.label || actor.id), function () {
        if (!window.confirm("Remove '" + (actor.label || actor.id) + "'?")) { return; }
        actors.splice(a, 1);
        draw(); changed();
      })));
      body.appendChild(row);
    });
    grid.appendChild(body);
    if (checkedOnce) { check(); }
  }

  function changed() {
    statusLine.textContent = "Checking…";
    window.clearTimeout(pending);
    pending = window.setTimeout(check, 300);
  }

  // A path and the paths above it: actors[2].issues.x.salience, actors[2].issues.x, ...
  function prefixes(path) {
    var out = [];
    while (path) {
      out.push(path);
      var next = path.replace(/(\.[^.\[\]]+|\[\d+\])$/, "");
      if (next === path) { break; }
      path = next;
    }
    return out;
  }

  // Mark each problem next to its value: the field whose path is the problem's, or the
  // nearest one above it; what matches no field is listed above the table.
  function mark(problems) {
    document.querySelectorAll(".cell-problem").forEach(function (n) { n.remove(); });
    document.querySelectorAll("[data-path].bad").forEach(function (n) {
      n.classList.remove("bad"); n.removeAttribute("aria-invalid"); n.removeAttribute("title");
    });
    var fields = {};
    document.querySelectorAll("[data-path]").forEach(function (n) { fields[n.dataset.path] = n; });
    var loose = [];
    problems.forEach(function (problem) {
      var target = null;
      prefixes(problem.path || "").some(function (path) { target = fields[path] || null; return target; });
      var actor = /^actors\[\d+\]/.exec(problem.path || "");
      if (!target && actor) { target = fields[actor[0] + ".label"] || null; }  // about the actor as a whole
      if (!target || target.tagName === "TH") { loose.push(problem.text); if (!target) { return; } }
      target.classList.add("bad");
      target.setAttribute("aria-invalid", "true");
      target.title = problem.message;
      if ((target.tagName === "INPUT" || target.classList.contains("uncertain")) && target.parentNode) {
        var note = document.createElement("div");
        note.className = "cell-problem";
        note.dataset.testid = "cell-problem";
        note.textContent = problem.message;
        target.insertAdjacentElement("afterend", note);
      }
    });
    problemsBox.textContent = "";
    if (problems.length) {
      var head = document.createElement("p");
      head.textContent = problems.length + (problems.length === 1 ? " problem" : " problems") +
        " to fix before the scenario can be saved" + (loose.length ? ":" : " (marked in the table).");
      problemsBox.appendChild(head);
      if (loose.length) {
        var list = document.createElement("ul");
        loose.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; list.appendChild(li); });
        problemsBox.appendChild(list);
      }
    }
    problemsBox.hidden = problems.length === 0;
  }

  function check() {
    checkedOnce = true;
    return api.call("POST", "/api/scenarios/validate", data).then(function (answer) {
      if (!answer.ok) { statusLine.textContent = "Cannot check: " + (answer.body && answer.body.detail); return false; }
      mark(answer.body.problems);
      statusLine.textContent = answer.body.ok ? "No problems." : "";
      return answer.body.ok;
    });
  }

  function saved(answer) {
    if (answer.ok) {
      statusLine.textContent = "Saved.";
      window.location.href = answer.body.page;
      return;
    }
    if (answer.body && answer.body.problems && answer.body.problems.length) { mark(answer.body.problems); }
    api.showError(problemsBox, answer.body, answer.status);
    statusLine.textContent = "Not saved.";
  }

  var saveButton = document.getElementById("save");
  if (saveButton) {
    saveButton.addEventListener("click", function () {
      statusLine.textContent = "Saving…";
      api.call("PUT", "/api/scenarios/" + page.scenario, data).then(saved);
    });
  }
  document.getElementById("save-as").addEventListener("click", function () {
    var name = document.getElementById("save-name").value.trim();
    statusLine.textContent = "Saving…";
    api.call("POST", "/api/scenarios", { id: name || null, scenario: data }).then(saved);
  });

  document.getElementById("add-actor").addEventListener("click", function () {
    var label = window.prompt("The new actor's name:");
    if (!label) { return; }
    data.actors = data.actors || [];
    var taken = data.actors.map(function (a) { return a.id; });
    data.actors.push({ id: idOf(label, taken), label: label, capability: null, issues: {} });
    draw(); changed();
  });
  document.getElementById("add-issue").addEventListener("click", function () {
    var label = window.prompt("The new issue's name (its scale is 0 to 100; change it in the YAML file):");
    if (!label) { return; }
    data.issues = data.issues || [];
    var taken = data.issues.map(function (i) { return i.id; });
    data.issues.push({ id: idOf(label, taken), label: label, min: 0, max: 100 });
    draw(); changed();
  });

  ["title", "description"].forEach(function (key) {
    var field = document.getElementById(key);
    field.value = shown(data[key]);
    field.addEventListener("input", function () { data[key] = field.value; changed(); });
  });
  draw();
  check();
})();
