// Travel claim form: show only the fields that belong to the chosen kind of cost and preview
// the car amount (kilometres x rate, capped). The portal computes the real amount on saving;
// without JavaScript every field stays visible and the form works the same.
(function () {
  "use strict";

  function euro(cents) {
    return (cents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " €";
  }

  function setUp(form) {
    var kind = form.querySelector("select[name='kind']");
    if (!kind || form.dataset.travelReady) {
      return;
    }
    form.dataset.travelReady = "1";
    var groups = form.querySelectorAll("[data-kinds]");
    var km = form.querySelector("input[name='kilometres']");
    var preview = form.querySelector("#car-preview");
    var rate = parseInt(form.dataset.carRate, 10);
    var cap = parseInt(form.dataset.carCap, 10);

    function showFields() {
      groups.forEach(function (group) {
        var kinds = group.dataset.kinds.split(" ");
        group.hidden = kind.value !== "" && kinds.indexOf(kind.value) === -1;
      });
    }

    function showCar() {
      if (!preview || !km) {
        return;
      }
      var value = parseInt(km.value, 10);
      if (kind.value !== "car" || !(value > 0)) {
        preview.textContent = "";
        return;
      }
      var full = value * rate;
      var text = value + " km × " + euro(rate) + " = " + euro(full);
      if (full > cap) {
        text += "; " + (form.dataset.capNote || "");
      }
      preview.textContent = text;
    }

    kind.addEventListener("change", function () { showFields(); showCar(); });
    if (km) {
      km.addEventListener("input", showCar);
    }
    showFields();
    showCar();
  }

  function init(root) {
    var form = (root.querySelector && root.querySelector("#item-form")) || document.getElementById("item-form");
    if (form) {
      setUp(form);
    }
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
