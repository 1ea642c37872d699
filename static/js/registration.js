// Registration form: offer the reimbursement question only to eligible organisation types.
// The server checks the same rule; this only spares people a question that does not apply.
(function () {
  "use strict";

  function setup(root) {
    var group = root.querySelector("#reimbursement-group");
    var select = root.querySelector("#organisation_type");
    if (!group || !select || group.dataset.enhanced) {
      return;
    }
    group.dataset.enhanced = "1";
    var eligible = (group.dataset.eligibleTypes || "").split(",");
    var checkbox = group.querySelector("input[type='checkbox']");

    function update() {
      var allowed = select.value === "" || eligible.indexOf(select.value) !== -1;
      group.hidden = !allowed;
      if (!allowed && checkbox) {
        checkbox.checked = false;
      }
    }

    select.addEventListener("change", update);
    update();
  }

  if (window.htmx) {
    window.htmx.onLoad(setup);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      setup(document);
    });
  }
})();
