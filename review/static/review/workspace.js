// The review workspace: keyboard shortcuts and in-place editing. Plain JavaScript, no dependencies.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function click(selector) {
    var element = document.querySelector(selector);
    if (element) { element.click(); return true; }
    return false;
  }

  function submit(selector) {
    var form = document.querySelector(selector);
    if (form) { form.requestSubmit(); return true; }
    return false;
  }

  function decide(value) {
    var radio = document.querySelector('#verdict-form input[name="decision"][value="' + value + '"]');
    if (!radio) { return false; }
    radio.checked = true;
    var rationale = document.getElementById("rationale");
    if (rationale.value.trim()) { return submit("#verdict-form"); }
    rationale.focus();
    return true;
  }

  function focus(id) {
    var element = document.getElementById(id);
    if (!element) { return false; }
    element.scrollIntoView({block: "center"});
    element.focus();
    return true;
  }

  var shortcuts = {
    c: function () { return decide("confirmed"); },
    d: function () { return decide("denied"); },
    u: function () { return decide("unverified"); },
    s: function () { return submit("#skip-form"); },
    n: function () { return click("#next-link") || click("#nav-next"); },
    e: function () { return focus("evidence-url"); },
    a: function () { return submit("#approve-form"); },
    r: function () { return focus("reject-reason"); },
    "?": function () { document.getElementById("shortcuts").showModal(); return true; }
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = event.target.closest && event.target.closest("form");
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var action = shortcuts[event.key];
    if (action && action()) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-shortcuts-open]");
    if (opener) { document.getElementById("shortcuts").showModal(); return; }
    var edit = event.target.closest("[data-edit]");
    if (edit) {
      var form = document.querySelector('[data-edit-form="' + edit.dataset.edit + '"]');
      edit.hidden = true;
      form.hidden = false;
      var input = form.querySelector("[name=value]");
      input.focus();
      return;
    }
    var cancel = event.target.closest("[data-edit-cancel]");
    if (cancel) {
      var box = cancel.closest("form");
      box.hidden = true;
      document.querySelector('[data-edit="' + box.dataset.editForm + '"]').hidden = false;
    }
  });
})();
