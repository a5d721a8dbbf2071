// The scenario editor: the whole scenario as the YAML file holds it. The actors x issues table
// of positions and saliences; each issue (name, scale, labelled points, reversion point, whose
// consent it needs, each actor's issue capability, cost of no deal and red line); the futures
// and their conditions; the shocks and their changes; the uncertainty of any input. Every
// change is checked by the server (POST /api/scenarios/validate, which answers 200 with the
// problems) as the user types; each problem is shown in words next to the value it is about
// (matched by its path, e.g. actors[2].issues.peace.salience) and listed above. Undo and redo
// step through the committed changes; leaving with unsaved changes asks first.
(function () {
  "use strict";
  var api = window.flashpoint;
  var page = api.pageData();
  var data = page.data;

  var FIELDS = ["position", "salience", "capability", "no_deal_cost", "red_line"];
  var FIELD_WORDS = { position: "position", salience: "salience", capability: "capability", no_deal_cost: "cost of no deal", red_line: "red line" };
  var PARAMETERS = ["low", "high", "mode", "mean", "sd"];
  var DISTRIBUTIONS = {
    uniform: { needs: ["low", "high"], may: [] },
    triangular: { needs: ["low", "high"], may: ["mode"] },
    normal: { needs: ["sd"], may: ["mean", "low", "high"] },
    beta: { needs: ["sd"], may: ["mean", "low", "high"] }
  };
  var OPS = [[">=", "≥ at least"], ["<=", "≤ at most"], [">", "> above"], ["<", "< below"]];

  var grid = document.getElementById("grid");
  var issuesBox = document.getElementById("issues");
  var futuresBox = document.getElementById("futures");
  var shocksBox = document.getElementById("shocks");
  var uncertaintyBox = document.getElementById("uncertainty");
  var problemsBox = document.getElementById("problems");
  var statusLine = document.getElementById("status");
  var unsavedMark = document.getElementById("unsaved");
  var undoButton = document.getElementById("undo");
  var redoButton = document.getElementById("redo");

  // --- the data --------------------------------------------------------------------------

  // Conditions as the editor edits them: "denuclearization >= 70" -> {issue, op, value};
  // "no agreement on x" -> {agreed, issue} (the YAML takes both forms).
  var CONDITION = /^\s*([A-Za-z][A-Za-z0-9_\-]*)\s*(>=|<=|>|<)\s*([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$/;
  var AGREEMENT = /^\s*(no\s+)?agreement(\s+on\s+([A-Za-z][A-Za-z0-9_\-]*))?\s*$/i;
  function ruleOf(rule) {
    if (typeof rule === "string") {
      if (rule.trim().toLowerCase() === "otherwise") { return "otherwise"; }
      var c = CONDITION.exec(rule);
      if (c) { return { issue: c[1], op: c[2], value: Number(c[3]) }; }
      var a = AGREEMENT.exec(rule);
      if (a) { return { agreed: !a[1], issue: a[3] || null }; }
      return rule;  // kept as written; the server says what is wrong with it
    }
    if (rule && typeof rule === "object" && !Array.isArray(rule)) {
      if (Array.isArray(rule.all)) { return { all: rule.all.map(ruleOf) }; }
      if (Array.isArray(rule.any)) { return { any: rule.any.map(ruleOf) }; }
      if ("not" in rule) { return { not: ruleOf(rule.not) }; }
    }
    return rule;
  }

  function normalise(d) {
    ["issues", "actors", "uncertainty", "outcomes", "shocks"].forEach(function (key) {
      if (!Array.isArray(d[key])) { d[key] = d[key] ? d[key] : []; }
    });
    d.issues.forEach(function (issue) {
      if (issue && typeof issue.consent === "string") {
        issue.consent = issue.consent.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
      }
    });
    d.outcomes.forEach(function (o) { if (o && "when" in o) { o.when = ruleOf(o.when); } });
    return d;
  }
  normalise(data);

  // Ids kept in a saved scenario stay as they are (runs, reports and files name them); a new
  // record's id follows its name until it is saved.
  function idsOf(list) { return new Set((list || []).map(function (r) { return r && r.id; })); }
  var savedIds = page.scenario ? {
    issues: idsOf(data.issues), actors: idsOf(data.actors), outcomes: idsOf(data.outcomes), shocks: idsOf(data.shocks)
  } : { issues: new Set(), actors: new Set(), outcomes: new Set(), shocks: new Set() };

  function idOf(label, taken) {
    var base = String(label).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "x";
    if (!/^[a-z]/.test(base)) { base = "x_" + base; }
    var id = base, n = 2;
    while (taken.indexOf(id) >= 0) { id = base + "_" + n; n += 1; }
    return id;
  }

  function freeLabel(list, word) {
    var labels = list.map(function (r) { return r.label || r.id; });
    var n = list.length + 1;
    while (labels.indexOf(word + " " + n) >= 0) { n += 1; }
    return word + " " + n;
  }

  // A typed value: empty is none, a number is a number, anything else is kept as typed so
  // that the server can say what is wrong with it.
  function parsed(text) {
    var trimmed = String(text).trim();
    if (trimmed === "") { return null; }
    var value = Number(trimmed.replace(",", "."));
    return isNaN(value) ? trimmed : value;
  }
  function shown(value) { return value === null || value === undefined ? "" : String(value); }
  function put(record, key, value) { if (value === null || value === undefined) { delete record[key]; } else { record[key] = value; } }

  function issueById(id) { return data.issues.filter(function (i) { return i && i.id === id; })[0]; }
  function actorById(id) { return data.actors.filter(function (a) { return a && a.id === id; })[0]; }
  function nameOf(record) { return record ? (record.label || record.id || "") : ""; }
  function issueName(id) { var i = issueById(id); return i ? nameOf(i) : "unknown '" + id + "'"; }
  function actorName(id) { var a = actorById(id); return a ? nameOf(a) : "unknown '" + id + "'"; }
  function scaleOf(issue) {
    var low = typeof issue.min === "number" ? issue.min : 0, high = typeof issue.max === "number" ? issue.max : 100;
    return [low, high];
  }

  // --- undo, redo and unsaved changes ----------------------------------------------------

  var history = [], at = -1, savedJson = null, leaving = false;
  function snapshot() { return JSON.stringify(data); }
  function commit() {
    var now = snapshot();
    if (history[at] === now) { return false; }
    history = history.slice(0, at + 1);
    history.push(now);
    if (history.length > 300) { history.shift(); }
    at = history.length - 1;
    updateMarks();
    return true;
  }
  function restore() {
    data = normalise(JSON.parse(history[at]));
    render();
    changed();
  }
  function undo() { commit(); if (at > 0) { at -= 1; restore(); statusLine.textContent = "Undone."; } }
  function redo() { commit(); if (at < history.length - 1) { at += 1; restore(); statusLine.textContent = "Redone."; } }
  function dirty() { return snapshot() !== savedJson; }
  function updateMarks() {
    var now = snapshot();
    undoButton.disabled = at <= 0 && history[at] === now;
    redoButton.disabled = at >= history.length - 1 || history[at] !== now;
    var unsaved = now !== savedJson;
    unsavedMark.hidden = !unsaved;
    document.body.dataset.unsaved = unsaved ? "true" : "false";
  }

  window.addEventListener("beforeunload", function (event) {
    if (!leaving && dirty()) { event.preventDefault(); event.returnValue = ""; return ""; }
  });
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
  });
  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);
  window.flashpointEditor = { dirty: dirty, undo: undo, redo: redo, data: function () { return data; } };

  // A change that moves other parts (a record renamed, a stance made or removed) redraws the
  // page once committed; never while a mouse button is down (the click would be lost).
  var needsRender = false, renderPending = false, pointerDown = false;
  document.addEventListener("mousedown", function () { pointerDown = true; }, true);
  window.addEventListener("mouseup", function () {
    pointerDown = false;
    if (renderPending) { window.setTimeout(flushRender, 0); }
  }, true);
  window.addEventListener("blur", function () { pointerDown = false; });
  function renderSoon() { renderPending = true; if (!pointerDown) { window.setTimeout(flushRender, 0); } }
  function flushRender() { if (renderPending && !pointerDown) { renderPending = false; render(); } }

  function committed() {
    commit();
    if (needsRender) { needsRender = false; renderSoon(); }
  }

  // --- building blocks -------------------------------------------------------------------

  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) { n.className = className; }
    if (text !== undefined && text !== null) { n.textContent = text; }
    return n;
  }
  function add(parent) {
    for (var k = 1; k < arguments.length; k += 1) { if (arguments[k]) { parent.appendChild(arguments[k]); } }
    return parent;
  }
  function nameSpan(kind, id, text) {
    var span = node("span", null, text);
    span.dataset.names = kind + ":" + id;
    return span;
  }

  // A text field: `onInput` takes each keystroke into the data; leaving it commits the change.
  function field(o) {
    var input = document.createElement("input");
    input.type = "text";
    input.value = shown(o.value);
    if (o.path) { input.dataset.path = o.path; }
    if (o.also) { input.dataset.also = o.also; }
    input.dataset.key = o.key;
    if (o.testid) { input.dataset.testid = o.testid; }
    if (o.className) { input.className = o.className; }
    if (o.placeholder) { input.placeholder = o.placeholder; }
    input.setAttribute("aria-label", o.label);
    input.title = o.title || o.label;
    input.addEventListener("input", function () { o.onInput(input.value, input); changed(); updateMarks(); });
    input.addEventListener("change", function () { if (o.onCommit) { o.onCommit(input.value, input); } committed(); });
    return input;
  }

  // A select of ids (actors, issues, fields): a change is committed at once and redraws.
  function choice(o) {
    var select = document.createElement("select");
    var known = false;
    o.options.forEach(function (opt) {
      var option = node("option", null, opt[1]);
      option.value = opt[0] === null ? "" : opt[0];
      if (opt[2]) { option.dataset.names = opt[2]; }
      if ((opt[0] === null ? "" : opt[0]) === (o.value === null || o.value === undefined ? "" : String(o.value))) { option.selected = true; known = true; }
      select.appendChild(option);
    });
    if (!known && o.value !== undefined && o.value !== null && o.value !== "") {
      var odd = node("option", null, "unknown '" + o.value + "'");
      odd.value = String(o.value);
      odd.selected = true;
      select.appendChild(odd);
    }
    if (o.path) { select.dataset.path = o.path; }
    select.dataset.key = o.key;
    if (o.testid) { select.dataset.testid = o.testid; }
    select.setAttribute("aria-label", o.label);
    select.title = o.label;
    select.addEventListener("change", function () {
      pointerDown = false;  // a select's list takes the mouse button's release
      o.onChange(select.value === "" ? null : select.value);
      commit(); render(); changed();
    });
    return select;
  }

  function button(text, title, onClick, testid, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className === undefined ? "small" : className;
    b.textContent = text;
    b.title = title;
    b.setAttribute("aria-label", title);
    if (testid) { b.dataset.testid = testid; }
    b.addEventListener("click", onClick);
    return b;
  }

  // A structural change made by a button: committed, redrawn and checked.
  function act(change) {
    return function () { change(); commit(); render(); changed(); };
  }

  function focusKey(key, select) {
    var n = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (n) { n.focus(); if (select && n.select) { n.select(); } n.scrollIntoView({ block: "nearest" }); }
  }

  function actorOptions(withNone) {
    var out = withNone ? [[null, withNone]] : [];
    return out.concat(data.actors.map(function (a) { return [a.id, nameOf(a), "actor:" + a.id]; }));
  }
  function issueOptions(withNone) {
    var out = withNone ? [[null, withNone]] : [];
    return out.concat(data.issues.map(function (i) { return [i.id, nameOf(i), "issue:" + i.id]; }));
  }
  var FIELD_OPTIONS = FIELDS.map(function (f) { return [f, FIELD_WORDS[f]]; });

  // --- renaming --------------------------------------------------------------------------

  // Every shown name of a record follows its label as it is typed.
  function relabel(kind, id, label) {
    document.querySelectorAll('[data-names="' + CSS.escape(kind + ":" + id) + '"]').forEach(function (n) {
      n.textContent = label || id;
    });
  }

  function eachRule(rule, visit) {
    if (!rule || typeof rule !== "object") { return; }
    visit(rule);
    (rule.all || rule.any || []).forEach(function (r) { eachRule(r, visit); });
    if ("not" in rule) { eachRule(rule.not, visit); }
  }

  function targetKey(actor, issue, field) { return actor + "\u0001" + (issue || "") + "\u0001" + field; }

  function renameIssue(before, after) {
    var issue = issueById(before);
    issue.id = after;
    data.actors.forEach(function (a) {
      if (!a.issues || !(before in a.issues)) { return; }
      var kept = {};
      Object.keys(a.issues).forEach(function (k) { kept[k === before ? after : k] = a.issues[k]; });
      a.issues = kept;
    });
    data.uncertainty.forEach(function (u) { if (u.issue === before) { u.issue = after; } });
    data.shocks.forEach(function (s) { (s.changes || []).forEach(function (c) { if (c.issue === before) { c.issue = after; } }); });
    data.outcomes.forEach(function (o) { eachRule(o.when, function (r) { if (r.issue === before) { r.issue = after; } }); });
    rekeyCentred(function (a, i, f) { return [a, i === before ? after : i, f]; });
  }

  function renameActor(before, after) {
    actorById(before).id = after;
    data.uncertainty.forEach(function (u) { if (u.actor === before) { u.actor = after; } });
    data.shocks.forEach(function (s) { (s.changes || []).forEach(function (c) { if (c.actor === before) { c.actor = after; } }); });
    data.issues.forEach(function (i) {
      if (Array.isArray(i.consent)) { i.consent = i.consent.map(function (x) { return x === before ? after : x; }); }
    });
    rekeyCentred(function (a, i, f) { return [a === before ? after : a, i, f]; });
  }

  // A new record's id follows its name (once the name is committed).
  function followName(kind, record, rename) {
    if (savedIds[kind].has(record.id) || !record.label) { return; }
    var taken = data[kind].filter(function (r) { return r !== record; }).map(function (r) { return r.id; });
    var id = idOf(record.label, taken);
    if (id !== record.id) {
      if (rename) { rename(record.id, id); } else { record.id = id; }
      needsRender = true;
    }
  }

  // --- uncertainty that follows a stated value -------------------------------------------

  // The uncertainty entries of one input (an actor's position, salience, ... on an issue; a
  // capability with no issue is the actor's own), with their index in the list.
  function uncertain(actorId, issueId, field) {
    return data.uncertainty.map(function (u, index) { return { entry: u, index: index }; })
      .filter(function (found) {
        var u = found.entry;
        return u.actor === actorId && u.field === field && (u.issue || null) === (issueId || null);
      });
  }

  // A stated value's distribution follows it, inside its range, when it was centred on it as
  // loaded: a triangular one's mode, a normal or beta one's mean.
  function centre(u) { return u.distribution === "triangular" ? "mode" : (u.distribution === "normal" || u.distribution === "beta") ? "mean" : null; }
  function stated(u) {
    var actor = actorById(u.actor);
    if (!actor) { return undefined; }
    if (u.field === "capability" && !u.issue) { return actor.capability; }
    return ((actor.issues || {})[u.issue] || {})[u.field];
  }
  var centred = new Set(data.uncertainty.filter(function (u) {
    var key = centre(u);
    return key && u[key] !== undefined && u[key] !== null && u[key] === stated(u);
  }).map(function (u) { return targetKey(u.actor, u.issue, u.field); }));
  function rekeyCentred(move) {
    var moved = new Set();
    centred.forEach(function (key) { var p = key.split("\u0001"); moved.add(targetKey.apply(null, move(p[0], p[1] || null, p[2]))); });
    centred = moved;
  }

  function follow(actorId, issueId, field, after) {
    if (typeof after !== "number") { return; }
    uncertain(actorId, issueId, field).forEach(function (found) {
      var u = found.entry;
      var inside = (typeof u.low !== "number" || after >= u.low) && (typeof u.high !== "number" || after <= u.high);
      if (centred.has(targetKey(actorId, issueId, field)) && inside && centre(u) && u[centre(u)] !== after) {
        u[centre(u)] = after;
        needsRender = true;
      }
    });
  }

  // Under an uncertain input: the range its draws come from; a click goes to its entry.
  function rangeButton(actorId, issueId, field) {
    var found = uncertain(actorId, issueId, field);
    if (!found.length) { return null; }
    var u = found[0].entry, k = found[0].index;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "uncertain";
    b.dataset.path = "uncertainty[" + k + "]";
    b.dataset.testid = "range-" + actorId + "-" + (issueId || "") + "-" + field;
    var middle = u.mode !== undefined && u.mode !== null ? ", mode " + u.mode : (u.mean !== undefined && u.mean !== null ? ", mean " + u.mean : "");
    var ranged = u.low !== undefined && u.low !== null;
    b.textContent = ranged ? shown(u.low) + "–" + shown(u.high) : u.distribution;
    b.title = "Drawn from a " + u.distribution + " distribution" + (ranged ? " from " + u.low + " to " + u.high : "") +
      middle + " in the Monte Carlo draws. Click to change it (uncertainty entry " + (k + 1) + ")." + (u.note ? "\n" + u.note : "");
    b.addEventListener("click", function () {
      var first = (DISTRIBUTIONS[u.distribution] || { needs: ["low"] }).needs[0];
      focusKey("u" + k + ":" + first, true);
    });
    return b;
  }

  function setStance(actor, issueId, key, text) {
    actor.issues = actor.issues || {};
    var had = issueId in actor.issues;
    var stance = actor.issues[issueId] || {};
    var value = parsed(text);
    follow(actor.id, issueId, key, value);
    if (key === "position" || key === "salience") { stance[key] = value; } else { put(stance, key, value); }
    var others = Object.keys(stance).filter(function (k) {
      return (k !== "position" && k !== "salience") || stance[k] !== null;
    });
    if (others.length === 0) { delete actor.issues[issueId]; } else { actor.issues[issueId] = stance; }
    if (had !== (issueId in actor.issues)) { needsRender = true; }
  }

  // --- the actors x issues table ---------------------------------------------------------

  function removeIssue(index) {
    var issue = data.issues[index];
    data.issues.splice(index, 1);
    data.actors.forEach(function (a) { if (a.issues) { delete a.issues[issue.id]; } });
    data.uncertainty = data.uncertainty.filter(function (u) { return u.issue !== issue.id; });
    data.shocks.forEach(function (s) { s.changes = (s.changes || []).filter(function (c) { return c.issue !== issue.id; }); });
    statusLine.textContent = "Removed the issue " + nameOf(issue) + " (Undo brings it back).";
  }

  function removeActor(index) {
    var actor = data.actors[index];
    data.actors.splice(index, 1);
    data.uncertainty = data.uncertainty.filter(function (u) { return u.actor !== actor.id; });
    data.shocks.forEach(function (s) { s.changes = (s.changes || []).filter(function (c) { return c.actor !== actor.id; }); });
    data.issues.forEach(function (i) {
      if (Array.isArray(i.consent)) {
        i.consent = i.consent.filter(function (x) { return x !== actor.id; });
        if (!i.consent.length) { delete i.consent; }
      }
    });
    statusLine.textContent = "Removed " + nameOf(actor) + " (Undo brings it back).";
  }

  function appendRange(td, actorId, issueId, field) {
    var b = rangeButton(actorId, issueId, field);
    if (b) { td.appendChild(b); }
  }

  function scaleText(issue) { var s = scaleOf(issue); return "scale " + s[0] + " to " + s[1]; }

  function drawGrid() {
    grid.textContent = "";
    var issues = data.issues, actors = data.actors;
    var head = node("thead"), top = node("tr");
    add(top, node("th", null, "Actor"), node("th", null, "Capability"));
    issues.forEach(function (issue, i) {
      var th = node("th", "issue");
      th.colSpan = 2;
      th.dataset.path = "issues[" + i + "]";
      add(th, nameSpan("issue", issue.id, nameOf(issue)));
      var scale = node("div", "muted small", scaleText(issue));
      scale.dataset.scaleOf = String(i);
      add(th, scale);
      add(th, button("×", "Remove the issue " + nameOf(issue), act(function () { removeIssue(i); }), "remove-issue-" + issue.id));
      top.appendChild(th);
    });
    top.appendChild(node("th"));
    head.appendChild(top);
    var second = node("tr");
    add(second, node("th"), node("th"));
    issues.forEach(function () { add(second, node("th", "sub", "Position"), node("th", "sub", "Salience")); });
    second.appendChild(node("th"));
    head.appendChild(second);
    grid.appendChild(head);

    var body = node("tbody");
    actors.forEach(function (actor, a) {
      var row = node("tr");
      row.dataset.actor = actor.id;
      var base = "actors[" + a + "]";
      var label = field({
        path: base + ".label", key: "g:a" + a + ":label", value: actor.label || actor.id, testid: "label-" + actor.id,
        label: "Name of actor " + (a + 1),
        onInput: function (text) { actor.label = text; relabel("actor", actor.id, text); },
        onCommit: function () { followName("actors", actor, renameActor); }
      });
      add(row, add(node("td"), label));
      var capability = add(node("td", "num"), field({
        path: base + ".capability", key: "g:a" + a + ":capability", value: actor.capability, testid: "capability-" + actor.id,
        label: "Capability of " + nameOf(actor),
        onInput: function (text) { follow(actor.id, null, "capability", parsed(text)); actor.capability = parsed(text); }
      }));
      appendRange(capability, actor.id, null, "capability");
      row.appendChild(capability);
      issues.forEach(function (issue, i) {
        var stance = (actor.issues || {})[issue.id] || {};
        ["position", "salience"].forEach(function (key) {
          var td = add(node("td", "num"), field({
            path: base + ".issues." + issue.id + "." + key, key: "g:a" + a + ":i" + i + ":" + key,
            value: stance[key], testid: "cell-" + actor.id + "-" + issue.id + "-" + key,
            label: key + " of " + nameOf(actor) + " on " + nameOf(issue),
            onInput: function (text) { setStance(actor, issue.id, key, text); }
          }));
          appendRange(td, actor.id, issue.id, key);
          row.appendChild(td);
        });
      });
      add(row, add(node("td"), button("×", "Remove " + nameOf(actor), act(function () { removeActor(a); }), "remove-actor-" + actor.id)));
      body.appendChild(row);
    });
    grid.appendChild(body);
  }

  // --- issues: name, scale, labelled points and agreement terms ---------------------------

  function anchorKeys(issue) {
    return Object.keys(issue.anchors || {}).sort(function (x, y) {
      var a = Number(x), b = Number(y);
      if (isNaN(a) || isNaN(b)) { return isNaN(a) - isNaN(b) || (x < y ? -1 : 1); }
      return a - b;
    });
  }
  function sameKey(x, y) {
    var a = Number(String(x).trim()), b = Number(String(y).trim());
    return String(x).trim() === String(y).trim() || (!isNaN(a) && !isNaN(b) && a === b);
  }
  function anchorPath(i, key) {
    var n = Number(key);
    return "issues[" + i + "].anchors[" + (isNaN(n) ? key : String(n)) + "]";
  }

  // A point that is not a number: its problem is said at the point's key.
  function loosePoint(i, key) { return isNaN(Number(key)) ? "issues[" + i + "].anchors." + key : ""; }

  // A point's value is the key of its label: a typed value that is empty or taken stays out of
  // the data (said beside it) until it is fixed.
  function pointRow(issue, i, key, n) {
    var current = key;
    var row = node("tr");
    var note = node("span", "local-problem");
    var value = field({
      path: anchorPath(i, key), also: loosePoint(i, key), key: "i" + i + ":p" + n + ":value", value: key,
      testid: "point-value-" + issue.id + "-" + (n + 1), className: "narrow", label: "Value of labelled point " + (n + 1) + " of " + nameOf(issue),
      onInput: function (text, input) {
        var wanted = text.trim();
        var clash = Object.keys(issue.anchors).filter(function (k) { return k !== current && sameKey(k, wanted); });
        note.textContent = wanted === "" ? "write the point's value" : clash.length ? "another point is at " + wanted : "";
        input.classList.toggle("bad", note.textContent !== "");
        if (note.textContent) { return; }
        var kept = {};
        Object.keys(issue.anchors).forEach(function (k) { kept[k === current ? wanted : k] = issue.anchors[k]; });
        issue.anchors = kept;
        current = wanted;
        input.dataset.path = anchorPath(i, wanted);
        input.dataset.also = loosePoint(i, wanted);
        text_.dataset.path = "issues[" + i + "].anchors." + wanted;
      }
    });
    var text_ = field({
      path: "issues[" + i + "].anchors." + key, key: "i" + i + ":p" + n + ":label", value: issue.anchors[key],
      testid: "point-label-" + issue.id + "-" + (n + 1), className: "wide", label: "Label of labelled point " + (n + 1) + " of " + nameOf(issue),
      onInput: function (text) { issue.anchors[current] = text; }
    });
    add(row, add(node("td"), value, note), add(node("td"), text_),
      add(node("td"), button("×", "Remove the labelled point " + key, act(function () {
        delete issue.anchors[current];
        if (!Object.keys(issue.anchors).length) { delete issue.anchors; }
      }), "remove-point-" + issue.id + "-" + (n + 1))));
    return row;
  }

  function newPoint(issue) {
    var s = scaleOf(issue), taken = Object.keys(issue.anchors || {});
    var candidates = [s[0], s[1], (s[0] + s[1]) / 2];
    for (var v = Math.ceil(s[0]); v <= Math.floor(s[1]) && candidates.length < 1000; v += 1) { candidates.push(v); }
    var free = candidates.filter(function (c) { return !taken.some(function (k) { return sameKey(k, c); }); })[0];
    return String(free === undefined ? s[0] : free);
  }

  function stanceInput(actor, a, issue, i, key) {
    var stance = (actor.issues || {})[issue.id];
    var input = field({
      path: "actors[" + a + "].issues." + issue.id + "." + key, key: "i" + i + ":a" + a + ":" + key,
      value: stance ? stance[key] : null, testid: "stance-" + actor.id + "-" + issue.id + "-" + key, className: "narrow",
      label: FIELD_WORDS[key] + " of " + nameOf(actor) + " on " + nameOf(issue),
      placeholder: key === "no_deal_cost" ? "0" : key === "capability" ? "own" : "none",
      onInput: function (text) {
        var s = (actor.issues || {})[issue.id];
        if (!s) { return; }
        follow(actor.id, issue.id, key, parsed(text));
        put(s, key, parsed(text));
      }
    });
    if (!stance) { input.disabled = true; input.title = nameOf(actor) + " takes no part in " + nameOf(issue) + ": give it a position and salience first"; }
    var td = add(node("td", "num"), input);
    appendRange(td, actor.id, issue.id, key);
    return td;
  }

  function drawIssue(issue, i) {
    var card = node("section", "editor-card slot");
    card.dataset.path = "issues[" + i + "]";
    card.dataset.testid = "issue-" + issue.id;
    var head = node("div", "card-head");
    add(head,
      add(node("label"), document.createTextNode("Name"), field({
        path: "issues[" + i + "].label", also: "issues[" + i + "].id", key: "i" + i + ":label", value: issue.label || issue.id,
        testid: "issue-label-" + issue.id, label: "Name of issue " + (i + 1),
        onInput: function (text) { issue.label = text; relabel("issue", issue.id, text); },
        onCommit: function () { followName("issues", issue, renameIssue); }
      })),
      idNote("issues", issue),
      add(node("label"), document.createTextNode("Scale from"), field({
        path: "issues[" + i + "].min", key: "i" + i + ":min", value: issue.min === undefined ? 0 : issue.min, testid: "issue-min-" + issue.id,
        className: "narrow", placeholder: "0", label: "Lowest point of the scale of " + nameOf(issue),
        onInput: function (text) { put(issue, "min", parsed(text)); showScale(i); }
      })),
      add(node("label"), document.createTextNode("to"), field({
        path: "issues[" + i + "].max", key: "i" + i + ":max", value: issue.max === undefined ? 100 : issue.max, testid: "issue-max-" + issue.id,
        className: "narrow", placeholder: "100", label: "Highest point of the scale of " + nameOf(issue),
        onInput: function (text) { put(issue, "max", parsed(text)); showScale(i); }
      })),
      button("Remove", "Remove the issue " + nameOf(issue), act(function () { removeIssue(i); }), "remove-issue-card-" + issue.id, "small danger"));
    card.appendChild(head);
    card.appendChild(add(node("label", "wide-label"), document.createTextNode("Description"), field({
      path: "issues[" + i + "].description", key: "i" + i + ":description", value: issue.description,
      testid: "issue-description-" + issue.id, className: "wide", label: "Description of " + nameOf(issue),
      onInput: function (text) { put(issue, "description", text === "" ? null : text); }
    })));

    var points = node("div", "subsection");
    add(points, node("h4", null, "Labelled points"));
    var table = node("table", "mini");
    table.dataset.path = "issues[" + i + "].anchors";
    var keys = anchorKeys(issue);
    if (keys.length) { add(table, add(node("tr"), node("th", null, "Point"), node("th", null, "What it means"), node("th"))); }
    keys.forEach(function (key, n) { table.appendChild(pointRow(issue, i, key, n)); });
    add(points, table, button("Add a labelled point", "Add a labelled point to the scale of " + nameOf(issue), function () {
      var key = newPoint(issue);
      issue.anchors = issue.anchors || {};
      issue.anchors[key] = "";
      commit(); render(); changed();
      var n = anchorKeys(issue).indexOf(key);
      focusKey("i" + i + ":p" + n + ":label");
    }, "add-point-" + issue.id, ""));
    card.appendChild(points);

    var terms = node("div", "subsection");
    add(terms, node("h4", null, "Agreement terms"));
    add(terms, add(node("label", "inline"), document.createTextNode("Reversion point (the outcome without an agreement)"), field({
      path: "issues[" + i + "].reversion", key: "i" + i + ":reversion", value: issue.reversion, testid: "reversion-" + issue.id,
      className: "narrow", placeholder: "none", label: "Reversion point of " + nameOf(issue),
      onInput: function (text) { put(issue, "reversion", parsed(text)); }
    })));
    var consent = Array.isArray(issue.consent) ? issue.consent : [];
    var people = data.actors.map(function (a, k) { return { actor: a, index: k }; }).filter(function (p) {
      return (p.actor.issues && issue.id in p.actor.issues) || consent.indexOf(p.actor.id) >= 0;
    });
    var stances = node("table", "mini");
    stances.dataset.path = "issues[" + i + "].consent";
    stances.classList.add("slot");
    add(stances, add(node("tr"), node("th", null, "Actor"), node("th", null, "Consent needed"), node("th", null, "Capability on this issue"),
      node("th", null, "Cost of no deal"), node("th", null, "Red line")));
    people.forEach(function (p) {
      var actor = p.actor, a = p.index;
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = consent.indexOf(actor.id) >= 0;
      box.dataset.key = "i" + i + ":a" + a + ":consent";
      box.dataset.testid = "consent-" + issue.id + "-" + actor.id;
      if (box.checked) { box.dataset.path = "issues[" + i + "].consent[" + consent.indexOf(actor.id) + "]"; }
      box.setAttribute("aria-label", "The outcome on " + nameOf(issue) + " needs the consent of " + nameOf(actor));
      box.addEventListener("change", function () {
        var list = Array.isArray(issue.consent) ? issue.consent.slice() : [];
        if (box.checked) { list.push(actor.id); } else { list = list.filter(function (x) { return x !== actor.id; }); }
        put(issue, "consent", list.length ? list : null);
        commit(); render(); changed();
      });
      add(stances, add(node("tr"), add(node("td"), nameSpan("actor", actor.id, nameOf(actor))), add(node("td", "center"), box),
        stanceInput(actor, a, issue, i, "capability"), stanceInput(actor, a, issue, i, "no_deal_cost"), stanceInput(actor, a, issue, i, "red_line")));
    });
    consent.forEach(function (id, k) {
      if (actorById(id)) { return; }
      var row = add(node("tr"), add(node("td"), node("span", null, "unknown '" + id + "'")),
        add(node("td", "center"), button("×", "Take '" + id + "' out of the consent", act(function () {
          issue.consent.splice(k, 1);
          if (!issue.consent.length) { delete issue.consent; }
        }))));
      row.dataset.path = "issues[" + i + "].consent[" + k + "]";
      row.classList.add("slot");
      stances.appendChild(row);
    });
    if (!people.length) { add(stances, add(node("tr"), add(node("td", "muted"), document.createTextNode("No actor takes part yet.")))); }
    add(terms, stances);
    add(terms, node("p", "muted small", "Consent: the actors whose agreement the outcome needs (it needs a reversion point). " +
      "Cost of no deal: how much worse than the reversion point no deal is to the actor, in points of the scale. " +
      "Red line: the outcome beyond which the actor refuses any bargain (only where its consent is needed)."));
    card.appendChild(terms);
    return card;
  }

  function idNote(kind, record) {
    var fixed = savedIds[kind].has(record.id);
    var span = node("span", "muted small id-note", "id " + record.id);
    span.title = fixed ? "The id stays as it is: runs, reports and files name it." : "A new id follows the name until the scenario is saved.";
    return span;
  }

  function showScale(i) {
    var issue = data.issues[i];
    document.querySelectorAll('[data-scale-of="' + i + '"]').forEach(function (n) { n.textContent = scaleText(issue); });
  }

  function drawIssues() {
    issuesBox.textContent = "";
    data.issues.forEach(function (issue, i) { issuesBox.appendChild(drawIssue(issue, i)); });
    if (!data.issues.length) { issuesBox.appendChild(node("p", "muted", "No issues yet.")); }
  }

  // --- futures and their conditions ------------------------------------------------------

  var KINDS = [["condition", "An issue's outcome"], ["agreement", "Agreement or not"], ["all", "All of"], ["any", "Any of"], ["not", "Not"]];
  function kindOf(rule) {
    if (rule === "otherwise") { return "otherwise"; }
    if (typeof rule === "string" || !rule || typeof rule !== "object") { return "text"; }
    if (Array.isArray(rule.all)) { return "all"; }
    if (Array.isArray(rule.any)) { return "any"; }
    if ("not" in rule) { return "not"; }
    if ("agreed" in rule) { return "agreement"; }
    return "condition";
  }
  function newCondition() {
    var issue = data.issues[0];
    if (!issue) { return { issue: null, op: ">=", value: 50 }; }
    var s = scaleOf(issue);
    return { issue: issue.id, op: ">=", value: (s[0] + s[1]) / 2 };
  }
  function ruleOfKind(kind, before) {
    var was = kindOf(before);
    var simple = was === "condition" || was === "agreement";
    if (kind === "condition") { return newCondition(); }
    if (kind === "agreement") { return { agreed: false, issue: null }; }
    if (kind === "all" || kind === "any") {
      var parts = was === "all" || was === "any" ? (before.all || before.any) : [simple ? before : newCondition()];
      var out = {}; out[kind] = parts; return out;
    }
    if (kind === "not") { return { not: simple ? before : newCondition() }; }
    return "otherwise";
  }

  // One rule of a future's condition (drawn inside its parent): its kind, then its pieces.
  function drawRule(rule, path, key, testid, replace, root, remove) {
    var box = node("div", "rule slot");
    box.dataset.path = path;
    var kind = kindOf(rule);
    var kinds = KINDS.slice();
    if (root) { kinds.push(["otherwise", "Otherwise (every other prediction)"]); }
    if (kind === "text") { kinds.push(["text", "As written"]); }
    var line = node("div", "rule-line");
    line.appendChild(choice({
      key: key + ":kind", testid: testid + "-kind", label: "Kind of condition", options: kinds, value: kind,
      onChange: function (value) { if (value !== "text") { replace(ruleOfKind(value, rule)); } }
    }));
    if (kind === "condition") {
      line.appendChild(choice({
        path: path + ".issue", key: key + ":issue", testid: testid + "-issue", label: "The issue whose outcome it compares",
        options: issueOptions(), value: rule.issue, onChange: function (value) { rule.issue = value; }
      }));
      line.appendChild(choice({
        path: path + ".op", key: key + ":op", testid: testid + "-op", label: "The comparison", options: OPS, value: rule.op,
        onChange: function (value) { rule.op = value; }
      }));
      line.appendChild(field({
        path: path + ".value", key: key + ":value", value: rule.value, testid: testid + "-value", className: "narrow",
        label: "The threshold, on the issue's scale", onInput: function (text) { rule.value = parsed(text); }
      }));
      var issue = issueById(rule.issue);
      if (issue) { line.appendChild(node("span", "muted small", scaleText(issue))); }
    } else if (kind === "agreement") {
      line.appendChild(choice({
        path: path + ".agreed", key: key + ":agreed", testid: testid + "-agreed", label: "Whether the bargain stands",
        options: [["false", "No agreement"], ["true", "Agreement"]], value: rule.agreed ? "true" : "false",
        onChange: function (value) { rule.agreed = value === "true"; }
      }));
      line.appendChild(choice({
        path: path + ".issue", key: key + ":issue", testid: testid + "-on", label: "On which issue",
        options: issueOptions("on the bargain as a whole"), value: rule.issue,
        onChange: function (value) { rule.issue = value; }
      }));
    } else if (kind === "text") {
      line.appendChild(field({
        key: key + ":text", value: rule, testid: testid + "-text", className: "wide", label: "The condition as written",
        onInput: function (text) { replace(text, true); }
      }));
    } else if (kind === "otherwise") {
      line.appendChild(node("span", "muted small", "every prediction no earlier future claims (only for the last future)"));
    }
    if (remove) { line.appendChild(button("×", "Remove this part", act(remove), testid + "-remove")); }
    box.appendChild(line);
    if (kind === "all" || kind === "any") {
      var list = rule[kind];
      var parts = node("div", "rule-parts");
      list.forEach(function (part, k) {
        parts.appendChild(drawRule(part, path + "." + kind + "[" + k + "]", key + "." + k, testid + "-" + (k + 1),
          function (next, quiet) { list[k] = next; if (!quiet) { commit(); render(); changed(); } }, false,
          function () { list.splice(k, 1); }));
      });
      add(parts, button("Add a part", "Add a part to this condition", act(function () { list.push(newCondition()); }), testid + "-add", ""));
      box.appendChild(parts);
    } else if (kind === "not") {
      var inner = node("div", "rule-parts");
      inner.appendChild(drawRule(rule.not, path + ".not", key + ".n", testid + "-1",
        function (next, quiet) { rule.not = next; if (!quiet) { commit(); render(); changed(); } }, false, null));
      box.appendChild(inner);
    }
    return box;
  }

  function move(list, k, by) {
    return act(function () { var item = list.splice(k, 1)[0]; list.splice(k + by, 0, item); });
  }

  function drawFutures() {
    futuresBox.textContent = "";
    var list = data.outcomes;
    list.forEach(function (future, k) {
      var card = node("section", "editor-card slot");
      card.dataset.path = "outcomes[" + k + "]";
      card.dataset.testid = "future-" + future.id;
      var head = node("div", "card-head");
      add(head,
        add(node("label"), document.createTextNode("Future " + (k + 1)), field({
          path: "outcomes[" + k + "].label", also: "outcomes[" + k + "].id", key: "f" + k + ":label", value: future.label || future.id,
          testid: "future-label-" + future.id, label: "Name of future " + (k + 1),
          onInput: function (text) { future.label = text; },
          onCommit: function () { followName("outcomes", future); }
        })),
        idNote("outcomes", future),
        k > 0 ? button("↑", "Try this future earlier", move(list, k, -1), "future-up-" + future.id) : null,
        k < list.length - 1 ? button("↓", "Try this future later", move(list, k, 1), "future-down-" + future.id) : null,
        button("Remove", "Remove the future " + nameOf(future), act(function () { list.splice(k, 1); }), "remove-future-" + future.id, "small danger"));
      card.appendChild(head);
      card.appendChild(add(node("label", "wide-label"), document.createTextNode("Description"), field({
        path: "outcomes[" + k + "].description", key: "f" + k + ":description", value: future.description,
        testid: "future-description-" + future.id, className: "wide", label: "Description of " + nameOf(future),
        onInput: function (text) { put(future, "description", text === "" ? null : text); }
      })));
      card.appendChild(node("h4", null, "When"));
      card.appendChild(drawRule(future.when, "outcomes[" + k + "].when", "f" + k + ":w", "cond-" + future.id,
        function (next, quiet) { future.when = next; if (!quiet) { commit(); render(); changed(); } }, true, null));
      futuresBox.appendChild(card);
    });
    if (!list.length) { futuresBox.appendChild(node("p", "muted", "No futures yet: a forecast then reports each issue's outcome only.")); }
  }

  function addFuture() {
    var list = data.outcomes;
    var label = freeLabel(list, "Future");
    var future = { id: idOf(label, list.map(function (o) { return o.id; })), label: label, when: newCondition() };
    var at_ = list.length && list[list.length - 1].when === "otherwise" ? list.length - 1 : list.length;
    list.splice(at_, 0, future);
    commit(); render(); changed();
    focusKey("f" + at_ + ":label", true);
  }

  // --- shocks and their changes ----------------------------------------------------------

  function changeKind(c) { return c.drop ? "drop" : ("shift" in c && c.shift !== undefined && !("set" in c)) ? "shift" : "set"; }
  function statedValue(actorId, issueId, fieldName) {
    var actor = actorById(actorId);
    if (!actor) { return null; }
    if (fieldName === "capability" && !issueId) { return actor.capability; }
    var v = ((actor.issues || {})[issueId] || {})[fieldName];
    return v === undefined ? null : v;
  }

  function drawChange(shock, s, c, j) {
    var base = "shocks[" + s + "].changes[" + j + "]", key = "s" + s + ":c" + j, testid = "change-" + shock.id + "-" + (j + 1);
    var row = node("tr", "slot");
    row.dataset.path = base;
    var kind = changeKind(c);
    add(row, add(node("td"), choice({
      path: base + ".actor", key: key + ":actor", testid: testid + "-actor", label: "The actor it changes",
      options: actorOptions(), value: c.actor, onChange: function (v) { c.actor = v; }
    })));
    add(row, add(node("td"), choice({
      path: base + ".issue", key: key + ":issue", testid: testid + "-issue", label: "On which issue",
      options: issueOptions(kind === "drop" ? "every issue" : "— (its own capability)"), value: c.issue,
      onChange: function (v) { put(c, "issue", v); }
    })));
    add(row, add(node("td"), choice({
      key: key + ":kind", testid: testid + "-kind", label: "What the change does",
      options: [["set", "sets"], ["shift", "shifts"], ["drop", "drops the actor"]], value: kind,
      onChange: function (v) {
        var value = "set" in c ? c.set : c.shift;
        delete c.set; delete c.shift; delete c.drop;
        if (v === "drop") { delete c.field; c.drop = true; return; }
        c.field = c.field || "position";
        if (kind === "drop") { value = v === "set" ? statedValue(c.actor, c.issue, c.field) : 0; }
        c[v] = value === undefined ? null : value;
      }
    })));
    if (kind === "drop") {
      add(row, add(node("td", "muted small"), document.createTextNode("from the scenario" + (c.issue ? " (that issue only)" : ""))), node("td"));
    } else {
      add(row, add(node("td"), choice({
        path: base + ".field", key: key + ":field", testid: testid + "-field", label: "Which input",
        options: FIELD_OPTIONS, value: c.field, onChange: function (v) { c.field = v; }
      })));
      add(row, add(node("td", "num"), field({
        path: base + "." + kind, key: key + ":value", value: c[kind], testid: testid + "-value", className: "narrow",
        label: kind === "set" ? "The new value" : "The amount added (negative to subtract)",
        onInput: function (text) { c[kind] = parsed(text); }
      })));
    }
    add(row, add(node("td", "notes"), button("×", "Remove this change", act(function () { shock.changes.splice(j, 1); }), testid + "-remove")));
    return row;
  }

  function probabilityText(p) {
    if (Array.isArray(p)) { return p[0] === p[1] ? shown(p[0]) : shown(p[0]) + "-" + shown(p[1]); }
    return shown(p);
  }
  function probabilityOf(text) {
    var t = text.trim();
    if (t === "") { return null; }
    var range = /^(.+?)\s*(?:–|—|\bto\b|-)\s*(.+)$/.exec(t);
    if (range && range[1].trim() !== "") { return [parsed(range[1]), parsed(range[2])]; }
    return parsed(t);
  }

  function newChange() {
    var actor = data.actors[0];
    if (!actor) { return { actor: null, issue: null, field: "position", set: null }; }
    var issueId = Object.keys(actor.issues || {})[0] || (data.issues[0] && data.issues[0].id) || null;
    return { actor: actor.id, issue: issueId, field: "position", set: statedValue(actor.id, issueId, "position") };
  }

  function drawShocks() {
    shocksBox.textContent = "";
    data.shocks.forEach(function (shock, s) {
      var card = node("section", "editor-card slot");
      card.dataset.path = "shocks[" + s + "]";
      card.dataset.testid = "shock-" + shock.id;
      var head = node("div", "card-head");
      add(head,
        add(node("label"), document.createTextNode("Shock"), field({
          path: "shocks[" + s + "].label", also: "shocks[" + s + "].id", key: "s" + s + ":label", value: shock.label || shock.id,
          testid: "shock-label-" + shock.id, label: "Name of shock " + (s + 1),
          onInput: function (text) { shock.label = text; },
          onCommit: function () { followName("shocks", shock); }
        })),
        idNote("shocks", shock),
        add(node("label"), document.createTextNode("Probability"), field({
          path: "shocks[" + s + "].probability", key: "s" + s + ":probability", value: probabilityText(shock.probability),
          testid: "shock-probability-" + shock.id, className: "narrow", placeholder: "none",
          label: "How likely the shock is: 0 to 1, or a range such as 0.1-0.3 (none: a what-if)",
          onInput: function (text) { put(shock, "probability", probabilityOf(text)); }
        })),
        button("Remove", "Remove the shock " + nameOf(shock), act(function () { data.shocks.splice(s, 1); }), "remove-shock-" + shock.id, "small danger"));
      card.appendChild(head);
      card.appendChild(add(node("label", "wide-label"), document.createTextNode("Description"), field({
        path: "shocks[" + s + "].description", key: "s" + s + ":description", value: shock.description,
        testid: "shock-description-" + shock.id, className: "wide", label: "Description of " + nameOf(shock),
        onInput: function (text) { put(shock, "description", text === "" ? null : text); }
      })));
      card.appendChild(node("h4", null, "Changes, in order"));
      shock.changes = Array.isArray(shock.changes) ? shock.changes : [];
      var table = node("table", "mini");
      table.dataset.path = "shocks[" + s + "].changes";
      table.classList.add("slot");
      if (shock.changes.length) {
        add(table, add(node("tr"), node("th", null, "Actor"), node("th", null, "Issue"), node("th", null, "Change"),
          node("th", null, "Input"), node("th", null, "Value"), node("th")));
      }
      shock.changes.forEach(function (c, j) { table.appendChild(drawChange(shock, s, c, j)); });
      card.appendChild(table);
      card.appendChild(button("Add a change", "Add a change to " + nameOf(shock), act(function () { shock.changes.push(newChange()); }), "add-change-" + shock.id, ""));
      shocksBox.appendChild(card);
    });
    if (!data.shocks.length) { shocksBox.appendChild(node("p", "muted", "No shocks yet.")); }
  }

  function addShock() {
    var label = freeLabel(data.shocks, "Shock");
    data.shocks.push({ id: idOf(label, data.shocks.map(function (s) { return s.id; })), label: label, changes: [newChange()] });
    commit(); render(); changed();
    focusKey("s" + (data.shocks.length - 1) + ":label", true);
  }

  // --- uncertainty -----------------------------------------------------------------------

  function drawUncertainty() {
    uncertaintyBox.textContent = "";
    var list = data.uncertainty;
    if (!list.length) { uncertaintyBox.appendChild(node("p", "muted", "No uncertain inputs: forecasts use the stated values.")); return; }
    var table = node("table", "mini uncertainty");
    var head = add(node("tr"), node("th", null, "#"), node("th", null, "Actor"), node("th", null, "Issue"), node("th", null, "Input"),
      node("th", null, "Distribution"));
    PARAMETERS.forEach(function (p) { head.appendChild(node("th", null, p)); });
    add(head, node("th", null, "Group"), node("th", null, "Correlation"), node("th"));
    table.appendChild(head);
    list.forEach(function (u, k) {
      var base = "uncertainty[" + k + "]", key = "u" + k, testid = "unc-" + (k + 1);
      var row = node("tr", "slot");
      row.dataset.path = base;
      add(row, node("td", "muted", String(k + 1)));
      add(row, add(node("td"), choice({
        path: base + ".actor", key: key + ":actor", testid: testid + "-actor", label: "Whose input", options: actorOptions(), value: u.actor,
        onChange: function (v) { u.actor = v; }
      })));
      add(row, add(node("td"), choice({
        path: base + ".issue", key: key + ":issue", testid: testid + "-issue", label: "On which issue",
        options: issueOptions("— (its own capability)"), value: u.issue, onChange: function (v) { put(u, "issue", v); }
      })));
      add(row, add(node("td"), choice({
        path: base + ".field", key: key + ":field", testid: testid + "-field", label: "Which input", options: FIELD_OPTIONS, value: u.field,
        onChange: function (v) { u.field = v; }
      })));
      add(row, add(node("td"), choice({
        path: base + ".distribution", key: key + ":distribution", testid: testid + "-distribution", label: "The distribution of its draws",
        options: Object.keys(DISTRIBUTIONS).map(function (d) { return [d, d]; }), value: u.distribution,
        onChange: function (v) {
          var takes = DISTRIBUTIONS[v];
          u.distribution = v;
          PARAMETERS.forEach(function (p) { if (takes.needs.indexOf(p) < 0 && takes.may.indexOf(p) < 0) { delete u[p]; } });
        }
      })));
      var takes = DISTRIBUTIONS[u.distribution] || { needs: PARAMETERS, may: [] };
      PARAMETERS.forEach(function (p) {
        var td = node("td", "num");
        var needed = takes.needs.indexOf(p) >= 0, optional = takes.may.indexOf(p) >= 0;
        if (needed || optional || (u[p] !== undefined && u[p] !== null)) {
          td.appendChild(field({
            path: base + "." + p, key: key + ":" + p, value: u[p], testid: testid + "-" + p, className: "narrow",
            placeholder: needed ? "" : (p === "mode" || p === "mean") ? "stated" : "range",
            label: p + " of uncertainty entry " + (k + 1) + (needed ? "" : " (may be left empty)"),
            onInput: function (text) { put(u, p, parsed(text)); }
          }));
        }
        row.appendChild(td);
      });
      add(row, add(node("td"), field({
        path: base + ".group", key: key + ":group", value: u.group, testid: testid + "-group", className: "narrow",
        label: "Group: inputs of one group move together", onInput: function (text) { put(u, "group", text.trim() === "" ? null : text.trim()); }
      })));
      add(row, add(node("td", "num"), field({
        path: base + ".correlation", key: key + ":correlation", value: u.correlation, testid: testid + "-correlation", className: "narrow",
        placeholder: u.group ? "1" : "", label: "Correlation with its group's factor (-1 to 1)",
        onInput: function (text) { put(u, "correlation", parsed(text)); }
      })));
      add(row, add(node("td", "notes"), button("×", "Remove uncertainty entry " + (k + 1), act(function () { list.splice(k, 1); }), testid + "-remove")));
      table.appendChild(row);
    });
    uncertaintyBox.appendChild(table);
  }

  // A new entry: the first input (an actor's position or salience on an issue) that has none.
  function addUncertainty() {
    var taken = new Set(data.uncertainty.map(function (u) { return targetKey(u.actor, u.issue, u.field); }));
    var free = null;
    data.actors.some(function (a) {
      return Object.keys(a.issues || {}).some(function (issueId) {
        return ["position", "salience"].some(function (f) {
          if (taken.has(targetKey(a.id, issueId, f))) { return false; }
          free = { actor: a.id, issue: issueId, field: f };
          return true;
        });
      });
    });
    var actor = data.actors[0];
    free = free || { actor: actor ? actor.id : null, issue: actor ? (Object.keys(actor.issues || {})[0] || null) : null, field: "position" };
    var issue = issueById(free.issue);
    var range = free.field === "salience" ? [0, typeof data.salience_scale === "number" ? data.salience_scale : 100] : issue ? scaleOf(issue) : [0, 100];
    data.uncertainty.push({ actor: free.actor, issue: free.issue, field: free.field, distribution: "uniform", low: range[0], high: range[1] });
    commit(); render(); changed();
    focusKey("u" + (data.uncertainty.length - 1) + ":low", true);
  }

  // --- the page as a whole ---------------------------------------------------------------

  var header = {
    title: { parse: function (t) { return t; } },
    description: { parse: function (t) { return t === "" ? null : t; } },
    as_of: { parse: function (t) { return t.trim() === "" ? null : t.trim(); } },
    horizon: { parse: function (t) { return t.trim() === "" ? null : t.trim(); } },
    salience_scale: { parse: parsed }
  };
  Object.keys(header).forEach(function (key) {
    var input = document.getElementById(key);
    if (!input) { return; }
    input.dataset.key = "h:" + key;
    input.addEventListener("input", function () { put(data, key, header[key].parse(input.value)); changed(); updateMarks(); });
    input.addEventListener("change", committed);
  });
  var agreementChoice = document.getElementById("agreement");
  agreementChoice.addEventListener("change", function () {
    put(data, "agreement", agreementChoice.value === "issue" ? null : agreementChoice.value);
    commit(); changed();
  });
  function drawHeader() {
    Object.keys(header).forEach(function (key) {
      var input = document.getElementById(key);
      if (input) { input.value = shown(data[key]); }
    });
    agreementChoice.value = data.agreement === "package" ? "package" : "issue";
  }

  var lastProblems = [];
  function render() {
    var active = document.activeElement;
    var key = active && active.dataset ? active.dataset.key : null;
    var selection = null;
    try { if (key && typeof active.selectionStart === "number") { selection = [active.selectionStart, active.selectionEnd]; } } catch (e) { selection = null; }
    drawHeader(); drawGrid(); drawIssues(); drawFutures(); drawShocks(); drawUncertainty();
    if (key && !document.body.contains(active)) {
      var again = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (again) {
        again.focus();
        if (selection && again.setSelectionRange) { try { again.setSelectionRange(selection[0], selection[1]); } catch (e) { /* not a text field */ } }
      }
    }
    mark(lastProblems);
    updateMarks();
  }

  var pending = null;
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
      var next = path.replace(/(\.[^.\[\]]+|\[[^\]]*\])$/, "");
      if (next === path) { break; }
      path = next;
    }
    return out;
  }

  function words(problem) { return problem.worded || problem.text || problem.message; }

  // Mark each problem next to its value (the field whose path is the problem's, or the nearest
  // one above it) and list every problem, in words, above the table.
  function mark(problems) {
    lastProblems = problems || [];
    document.querySelectorAll(".cell-problem").forEach(function (n) { n.remove(); });
    document.querySelectorAll("[data-path].bad").forEach(function (n) {
      n.classList.remove("bad"); n.removeAttribute("aria-invalid");
      if (n.dataset.title !== undefined) { n.title = n.dataset.title; delete n.dataset.title; }
    });
    var fields = {};
    function known(path, n) { (fields[path] = fields[path] || []).push(n); }
    document.querySelectorAll("[data-path]").forEach(function (n) {
      known(n.dataset.path, n);
      (n.dataset.also || "").split(" ").filter(Boolean).forEach(function (p) { known(p, n); });
    });
    var found = [];
    lastProblems.forEach(function (problem) {
      var targets = null;
      prefixes(problem.path || "").some(function (path) { targets = fields[path] || null; return targets; });
      var actor = /^actors\[\d+\]/.exec(problem.path || "");
      if (!targets && actor) { targets = fields[actor[0] + ".label"] || null; }  // about the actor as a whole
      if (!targets && /^(title|description|as_of|horizon|salience_scale|agreement)$/.test(problem.path || "")) { targets = fields[problem.path] || null; }
      found.push(targets || []);
      (targets || []).forEach(function (target) {
        if (!target.classList.contains("bad")) { target.dataset.title = target.title || ""; }
        target.classList.add("bad");
        target.setAttribute("aria-invalid", "true");
        target.title = words(problem);
        var note = node("div", "cell-problem", problem.message);
        note.dataset.testid = "cell-problem";
        note.title = words(problem);
        if (target.tagName === "INPUT" || target.tagName === "SELECT" || target.classList.contains("uncertain")) {
          if (target.parentNode) { target.insertAdjacentElement("afterend", note); }
        } else if (target.classList.contains("slot")) {
          var place = target.querySelector(":scope > td.notes, :scope > .card-head, :scope > .rule-line") || (target.tagName === "TABLE" ? null : target);
          if (place) { place.appendChild(note); } else { target.insertAdjacentElement("afterend", note); }
        }
      });
    });
    problemsBox.textContent = "";
    if (lastProblems.length) {
      var head = node("p", null, lastProblems.length + (lastProblems.length === 1 ? " problem" : " problems") +
        " to fix before the scenario can be saved:");
      problemsBox.appendChild(head);
      var list = node("ul");
      lastProblems.slice(0, 100).forEach(function (problem, k) {
        var li = node("li");
        li.dataset.testid = "problem";
        var targets = found[k].filter(function (t) { return t.tagName === "INPUT" || t.tagName === "SELECT"; });
        if (targets.length) {
          var link = node("a", null, words(problem));
          link.href = "#";
          link.addEventListener("click", function (event) { event.preventDefault(); targets[0].focus(); targets[0].scrollIntoView({ block: "center" }); });
          li.appendChild(link);
        } else { li.textContent = words(problem); }
        list.appendChild(li);
      });
      if (lastProblems.length > 100) { list.appendChild(node("li", null, "… and " + (lastProblems.length - 100) + " more")); }
      problemsBox.appendChild(list);
    }
    problemsBox.hidden = lastProblems.length === 0;
  }

  // The server's check: it answers 200 whether or not the scenario has problems.
  var checks = 0;
  function validate() {
    return api.call("POST", "/api/scenarios/validate", data);
  }
  function check() {
    var mine = ++checks;
    return validate().then(function (answer) {
      if (mine !== checks) { return null; }
      if (!answer.ok) { statusLine.textContent = "Cannot check: " + (answer.body && answer.body.detail); return false; }
      mark(answer.body.problems);
      statusLine.textContent = answer.body.ok ? "No problems." : "";
      return answer.body.ok;
    });
  }

  function saved(answer) {
    if (answer.ok) {
      savedJson = snapshot();
      leaving = true;
      updateMarks();
      statusLine.textContent = "Saved.";
      window.location.href = answer.body.page;
      return;
    }
    if (answer.body && answer.body.problems && answer.body.problems.length) { mark(answer.body.problems); }
    else { api.showError(problemsBox, answer.body, answer.status); }
    statusLine.textContent = "Not saved: " + ((answer.body && answer.body.detail) || "the server answered " + answer.status) + ".";
  }

  // Save only a scenario the server finds no problem in: checked first (a refusal would be a
  // failed request in the browser's console), then saved.
  function save(send) {
    commit();
    window.clearTimeout(pending);
    checks += 1;
    statusLine.textContent = "Checking before saving…";
    validate().then(function (answer) {
      if (!answer.ok) { api.showError(problemsBox, answer.body, answer.status); statusLine.textContent = "Not saved."; return; }
      mark(answer.body.problems);
      if (!answer.body.ok) {
        var count = answer.body.problems.length;
        statusLine.textContent = "Not saved: fix the " + (count === 1 ? "problem" : count + " problems") + " listed above first.";
        problemsBox.scrollIntoView({ block: "nearest" });
        return;
      }
      statusLine.textContent = "Saving…";
      send().then(saved);
    });
  }

  var saveButton = document.getElementById("save");
  if (saveButton) {
    saveButton.addEventListener("click", function () {
      save(function () { return api.call("PUT", "/api/scenarios/" + page.scenario, data); });
    });
  }
  document.getElementById("save-as").addEventListener("click", function () {
    var name = document.getElementById("save-name").value.trim();
    save(function () { return api.call("POST", "/api/scenarios", { id: name || null, scenario: data }); });
  });

  function addActor() {
    var label = freeLabel(data.actors, "Actor");
    data.actors.push({ id: idOf(label, data.actors.map(function (a) { return a.id; })), label: label, capability: null, issues: {} });
    commit(); render(); changed();
    focusKey("g:a" + (data.actors.length - 1) + ":label", true);
  }
  function addIssue() {
    var label = freeLabel(data.issues, "Issue");
    data.issues.push({ id: idOf(label, data.issues.map(function (i) { return i.id; })), label: label, min: 0, max: 100 });
    commit(); render(); changed();
    focusKey("i" + (data.issues.length - 1) + ":label", true);
  }
  document.querySelectorAll("[data-add]").forEach(function (b) {
    b.addEventListener("click", { actor: addActor, issue: addIssue, future: addFuture, shock: addShock, uncertainty: addUncertainty }[b.dataset.add]);
  });

  commit();
  savedJson = history[0];
  render();
  check();
})();
