// Speakers: say at once when a slide file is too large, instead of after a long upload.
// The server checks again; without JavaScript the upload simply answers with the error.
(function () {
  "use strict";

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toLocaleString("de-DE", { maximumFractionDigits: 1 });
  }

  function tooLarge(input) {
    var file = input.files && input.files[0];
    return Boolean(file && file.size > parseInt(input.dataset.maxBytes, 10));
  }

  function show(input) {
    var note = document.getElementById(input.dataset.sizeNote);
    var file = input.files && input.files[0];
    var bad = tooLarge(input);
    if (bad) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (note) {
      note.textContent = bad ? input.dataset.tooLarge + " (" + megabytes(file.size) + " MB)" : "";
      note.classList.toggle("file-hint--error", bad);
    }
    return bad;
  }

  function watch(root) {
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      if (input.dataset.sizeWatched) {
        return;
      }
      input.dataset.sizeWatched = "1";
      input.addEventListener("change", function () {
        show(input);
      });
      input.form.addEventListener("submit", function (event) {
        if (show(input)) {
          event.preventDefault();
          input.focus();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    watch(document);
  });
  document.addEventListener("htmx:load", function (event) {
    watch(event.target);
  });
})();
