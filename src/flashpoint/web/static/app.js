// flashpoint web app: the pages' calls to the JSON API (/api). No other script, no network
// request beyond this server.
(function () {
  "use strict";

  function pageData() {
    var node = document.getElementById("page-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  // A refusal of the API as text: its detail and each problem.
  function describe(body, status) {
    if (!body) { return { detail: "The server answered " + status + ".", problems: [] }; }
    return { detail: body.detail || ("The server answered " + status + "."),
             problems: (body.problems || []).map(function (p) { return p.text || p; }) };
  }

  function showError(box, body, status) {
    var said = describe(body, status);
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = said.detail;
    box.appendChild(p);
    if (said.problems.length) {
      var list = document.createElement("ul");
      said.problems.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.hidden = false;
  }

  function call(method, url, body) {
    var options = { method: method, headers: { "Accept": "application/json" } };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = { detail: text }; }
        return { ok: response.ok, status: response.status, body: parsed };
      });
    }, function () {
      return { ok: false, status: 0, body: { detail: "The server does not answer: is flashpoint serve still running?" } };
    });
  }
  window.flashpoint = { call: call, showError: showError, pageData: pageData };

  function number(form, name) {
    var field = form.elements[name];
    if (!field || field.value === "") { return null; }
    return Number(field.value);
  }

  function checked(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
  }

  // The run request of a form on a scenario's page.
  function request(form, scenario) {
    var kind = form.dataset.kind;
    var body = { kind: kind, scenario: scenario };
    if (kind === "forecast") {
      var all = form.querySelectorAll('input[name="models"]').length;
      var models = checked(form, "models");
      body.models = models.length === all ? null : models;
      body.shocks = checked(form, "shocks");
      body.draws = number(form, "draws");
      body.seed = number(form, "seed");
      body.paths = true;
      body.brief = true;
    } else if (kind === "compare") {
      body.draws = number(form, "draws");
    } else if (kind === "sensitivity") {
      body.target = form.elements.target.value;
      body.method = form.elements.method.value;
      if (body.method === "tornado") { body.draws = number(form, "draws"); }
      else { body.samples = Math.max(2, Math.min(number(form, "draws") || 20, 200)); }
    } else if (kind === "backtest") {
      body.draws = number(form, "draws");
      body.folds = number(form, "folds");
    } else if (kind === "levers") {
      body.actor = form.elements.actor.value;
      body.target = form.elements.target.value || null;
      body.direction = form.elements.direction.value;
      var offered = leverIssues(form);
      var issues = offered.filter(function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      body.issues = issues.length === offered.length ? null : issues;  // null: all of its issues
      body.saliences = form.elements.saliences.checked;
      body.budget = number(form, "budget");
      var threshold = number(form, "threshold");
      // a future's probability is asked in %, the search takes a share
      body.threshold = threshold === null ? null : (/^P\(/.test(body.target || "P(") ? threshold / 100 : threshold);
      body.models = form.elements.measure.value ? [form.elements.measure.value] : null;
      body.draws = number(form, "draws");
      body.generations = number(form, "generations");
      body.seed = number(form, "seed");
    }
    return body;
  }

  // The issue boxes of a levers form that the chosen actor takes part in.
  function leverIssues(form) {
    var option = form.elements.actor.selectedOptions[0];
    var taking = (option ? option.dataset.issues : "").split(" ");
    return Array.prototype.filter.call(form.querySelectorAll('input[name="issues"]'),
      function (box) { return taking.indexOf(box.value) >= 0; });
  }

  // Choosing another actor offers its issues, all of them ticked.
  document.querySelectorAll('form.run-form[data-kind="levers"]').forEach(function (form) {
    form.elements.actor.addEventListener("change", function () {
      var taking = leverIssues(form);
      form.querySelectorAll('input[name="issues"]').forEach(function (box) {
        var offered = taking.indexOf(box) >= 0;
        box.checked = offered;
        box.parentNode.hidden = !offered;
      });
    });
  });

  document.querySelectorAll("form.run-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = form.querySelector(".form-error");
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      box.hidden = true;
      button.disabled = true;
      var models = form.querySelectorAll('input[name="models"]');
      if (models.length && !checked(form, "models").length) {
        showError(box, { detail: "Choose at least one model." }, 422);
        button.disabled = false;
        return;
      }
      if (form.dataset.kind === "levers" &&
          !leverIssues(form).some(function (issue) { return issue.checked; })) {
        showError(box, { detail: "Choose at least one issue the offer may move." }, 422);
        button.disabled = false;
        return;
      }
      call("POST", "/api/runs", request(form, pageData().scenario)).then(function (answer) {
        if (answer.ok) { window.location.href = answer.body.page; return; }
        showError(box, answer.body, answer.status);
        button.disabled = false;
      });
    });
  });

  var upload = document.getElementById("upload");
  if (upload) {
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = upload.querySelector(".form-error");
      var data = new FormData(upload);
      if (!data.get("name")) { data.delete("name"); }
      if (!data.get("format")) { data.delete("format"); }
      box.hidden = true;
      var button = upload.querySelector("button[type=submit]");
      var label = button.textContent;
      button.disabled = true;
      button.textContent = "Reading and checking the file…";
      call("POST", "/api/scenarios/upload", data).then(function (answer) {
        if (answer.ok) { window.location.href = answer.body.page; return; }
        button.disabled = false;
        button.textContent = label;
        showError(box, answer.body, answer.status);
      });
    });
  }

  var outcomes = document.getElementById("outcomes");
  if (outcomes) {
    outcomes.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = outcomes.querySelector(".form-error");
      call("POST", "/api/scenarios/" + outcomes.dataset.scenario + "/outcomes", new FormData(outcomes))
        .then(function (answer) {
          if (answer.ok) { window.location.reload(); return; }
          showError(box, answer.body, answer.status);
        });
    });
  }

  document.querySelectorAll("button[data-delete]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm("Delete this scenario from your library? This cannot be undone.")) { return; }
      call("DELETE", "/api/scenarios/" + button.dataset.delete).then(function (answer) {
        if (answer.ok) { window.location.href = "/"; }
        else { window.alert(describe(answer.body, answer.status).detail); }
      });
    });
  });

  document.querySelectorAll("button[data-rerun]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.disabled = true;
      call("POST", "/api/history/" + button.dataset.rerun + "/rerun").then(function (answer) {
        if (answer.ok) { window.location.href = answer.body.page; return; }
        showError(document.querySelector(".form-error"), answer.body, answer.status);
        button.disabled = false;
      });
    });
  });

  // A run's page: follow its progress until it ends, then show its results.
  var progressBox = document.querySelector("[data-testid=progress]");
  if (progressBox) {
    var job = pageData().job;
    var bar = progressBox.querySelector("progress");
    var text = progressBox.querySelector(".progress-text");
    var stage = progressBox.querySelector(".stage");
    var poll = function () {
      call("GET", "/api/runs/" + job).then(function (answer) {
        if (!answer.ok) { text.textContent = describe(answer.body, answer.status).detail; return; }
        var run = answer.body;
        if (run.state !== "queued" && run.state !== "running") { window.location.reload(); return; }
        if (run.state === "queued") {
          text.textContent = "Waiting for a worker…";
        } else if (run.total > 0) {
          bar.max = run.total;
          bar.value = run.done;
          text.textContent = run.done.toLocaleString() + " of " + run.total.toLocaleString() + " " +
            run.unit.toLowerCase() + " (" + Math.floor(100 * run.done / run.total) + "%)";
        } else {
          text.textContent = "Starting…";
        }
        stage.textContent = run.stage ? "Now " + run.stage + "." : "";
        window.setTimeout(poll, 400);
      });
    };
    poll();
    progressBox.querySelector("button[data-cancel]").addEventListener("click", function (event) {
      event.target.disabled = true;
      call("POST", "/api/runs/" + job + "/cancel");
    });
  }
})();
