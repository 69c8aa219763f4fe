(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var controls = Array.prototype.slice.call(document.querySelectorAll("article.control"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.phase"));
  var count = document.getElementById("filter-count");

  function values(name) {
    var boxes = form.querySelectorAll('input[name="' + name + '"]');
    var chosen = [];
    for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { chosen.push(boxes[i].value); } }
    return { chosen: chosen, all: chosen.length === boxes.length };
  }

  function apply() {
    var phase = form.elements.phase.value;
    var status = values("status");
    var severity = values("severity");
    var narrowed = phase !== "" || !status.all || !severity.all;
    var shown = 0;
    controls.forEach(function (control) {
      var keep = (phase === "" || control.getAttribute("data-phase") === phase) &&
        status.chosen.indexOf(control.getAttribute("data-status")) >= 0 &&
        severity.chosen.indexOf(control.getAttribute("data-severity")) >= 0;
      control.classList.toggle("filtered-out", !keep);
      if (keep) { shown += 1; }
    });
    sections.forEach(function (section) {
      var other = phase !== "" && section.getAttribute("data-phase") !== phase;
      var visible = section.querySelector("article.control:not(.filtered-out)") !== null;
      section.classList.toggle("filtered-out", other || (narrowed && !visible));
    });
    count.textContent = shown + " of " + controls.length + " controls shown";
  }

  function fromQuery() {
    var query = new URLSearchParams(window.location.search);
    if (query.has("phase")) { form.elements.phase.value = query.get("phase"); }
    ["status", "severity"].forEach(function (name) {
      if (!query.has(name)) { return; }
      var wanted = query.get(name).split(",");
      var boxes = form.querySelectorAll('input[name="' + name + '"]');
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = wanted.indexOf(boxes[i].value) >= 0; }
    });
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  fromQuery();
  apply();
}());
