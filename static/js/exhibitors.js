// Foyer plan: drag-and-drop of booths onto places. Dropping submits the booth's own form
// (the same request as its select and "Platz zuweisen" button), so htmx swaps the plan and
// announces the result. After the swap, focus stays on the moved booth.
(function () {
  "use strict";

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      htmx.trigger(form, "submit");
    }
  }

  function isFree(zone) {
    return zone.hasAttribute("data-unplaced") || !zone.querySelector("[data-booth]");
  }

  function onDrop(event) {
    var form = event.item.querySelector("form[data-placement]");
    var select = form && form.querySelector("select[name='place']");
    if (!select) {
      return;
    }
    select.value = event.to.getAttribute("data-place-id") || "";
    submit(form);
  }

  function setUp(plan) {
    if (typeof Sortable === "undefined") {
      return; // without SortableJS the forms still work
    }
    plan.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
      Sortable.create(zone, {
        group: {
          name: "booths",
          put: function (to) {
            return isFree(to.el);
          },
        },
        sort: false,
        draggable: "[data-booth]",
        handle: ".booth-item__handle",
        onAdd: onDrop,
      });
    });
  }

  // SortableJS leaves style attributes on the dragged booth. htmx copies the attributes of
  // the old element onto the new one with the same id while it settles, and under our CSP
  // copying a style attribute is blocked (and reported): drop them before the swap.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "foyer-plan") {
      target.querySelectorAll("[style]").forEach(function (el) {
        el.removeAttribute("style");
      });
    }
  });

  htmx.onLoad(function (root) {
    var plan = root.id === "foyer-plan" ? root : root.querySelector("#foyer-plan");
    if (!plan) {
      return;
    }
    setUp(plan);
    var focusId = plan.getAttribute("data-focus");
    var target = focusId && document.getElementById(focusId);
    if (target) {
      target.focus();
    }
  });
})();
