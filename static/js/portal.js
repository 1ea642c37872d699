// Portal behaviour that every page shares. No inline script: the CSP forbids it.
(function () {
  "use strict";

  // Move focus to the error summary or the first invalid field after a failed submit.
  function focusProblems(root) {
    var summary = root.querySelector("#error-summary");
    var target = summary || root.querySelector("[aria-invalid='true']");
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusProblems(document);
  });

  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) {
      focusProblems(event.target);
    }
  });
})();
