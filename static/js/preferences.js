// Ranking page: drag-and-drop with SortableJS saved through htmx, focus after every save.
// Without JavaScript the move buttons and the skip choice are plain forms (303 back).
(function () {
  "use strict";

  var lastFocusId = null;
  var focusHandled = false;

  function favouriteIds(slot) {
    var items = slot.querySelectorAll(
      "[data-list='favourites'] > .ranking-item:not(.sortable-fallback)"
    );
    return Array.prototype.map.call(items, function (item) {
      return item.getAttribute("data-session");
    });
  }

  // Send the slot's complete favourites list in its order (one request per drop).
  function submitOrder(slot) {
    var form = slot.querySelector("form.ranking-order");
    if (!form) {
      return;
    }
    Array.prototype.forEach.call(form.querySelectorAll("input[name='order']"), function (input) {
      input.parentNode.removeChild(input);
    });
    favouriteIds(slot).forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = id;
      form.appendChild(input);
    });
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      window.htmx.trigger(form, "submit");
    }
  }

  function editableSlots(root) {
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-slot][data-editable]"));
    if (root.matches && root.matches("[data-slot][data-editable]")) {
      found.push(root);
    }
    return found;
  }

  function setup(root) {
    if (!window.Sortable) {
      return;
    }
    editableSlots(root).forEach(function (slot) {
      if (slot.getAttribute("data-sortable")) {
        return;
      }
      slot.setAttribute("data-sortable", "1");
      Array.prototype.forEach.call(slot.querySelectorAll("[data-list]"), function (list) {
        window.Sortable.create(list, {
          group: "slot-" + slot.getAttribute("data-slot"), // only within one time slot
          handle: ".ranking-item__handle",
          draggable: ".ranking-item",
          forceFallback: true, // pointer events: the same in every browser and in tests
          fallbackOnBody: true, // the dragged copy lives outside the lists
          fallbackTolerance: 3,
          animation: 150,
          ghostClass: "ranking-item--ghost",
          chosenClass: "ranking-item--chosen",
          onEnd: function (event) {
            var within = event.from === event.to;
            if (within && event.oldIndex === event.newIndex) {
              return;
            }
            if (within && event.to.getAttribute("data-list") === "others") {
              return; // the order of the other offers means nothing
            }
            submitOrder(slot);
          }
        });
      });
    });
  }

  function focusFirst(ids) {
    for (var i = 0; i < ids.length; i++) {
      var element = document.getElementById(ids[i]);
      if (element) {
        element.focus();
        return true;
      }
    }
    return false;
  }

  // The server names the moved item's control (HX-Trigger-After-Settle: ranking-focus).
  document.addEventListener("ranking-focus", function (event) {
    var detail = event.detail || {};
    var ids = Array.isArray(detail) ? detail : detail.value || [];
    focusHandled = focusFirst(ids);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!event.target.closest || !event.target.closest("#ranking")) {
      return;
    }
    var active = document.activeElement;
    lastFocusId = active && active.id ? active.id : null;
    focusHandled = false;
  });

  // After a refused save the same control gets the focus back (its id is unchanged).
  document.addEventListener("htmx:afterSettle", function () {
    window.setTimeout(function () {
      var active = document.activeElement;
      var lost = !active || active === document.body || !document.body.contains(active);
      if (!focusHandled && lost && lastFocusId) {
        focusFirst([lastFocusId]);
      }
      lastFocusId = null;
      focusHandled = false;
    }, 0);
  });

  // 403 (deadline passed), 404 (slot gone) and 409 (changed in another tab) carry the fresh
  // slots and a message: swap them like 422 instead of treating them as errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if (!target || !target.closest || !target.closest("#ranking")) {
      return;
    }
    var landed = event.detail.xhr.responseURL || "";
    if (landed.indexOf("/konto/anmelden") !== -1) {
      // The session ended: show the login page instead of putting it into the slot.
      event.detail.shouldSwap = false;
      window.location.href = landed;
      return;
    }
    if (status === 403 || status === 404 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // SortableJS leaves style attributes on the items it moved; htmx's settle step would copy
    // them onto the new items with setAttribute, which the CSP (style-src 'self') blocks.
    Array.prototype.forEach.call(document.querySelectorAll("#ranking [style]"), function (el) {
      el.removeAttribute("style");
    });
  });

  if (window.htmx) {
    window.htmx.onLoad(setup);
  }
})();
