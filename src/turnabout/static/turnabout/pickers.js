// Searchable pickers: every <select data-picker> becomes a Tom Select box (type to filter,
// arrow keys and Enter to pick, Backspace to remove). Without JavaScript, or when the
// vendored library did not load, the native select works as before.
//
// Options on the select:
//   data-picker-placeholder  the hint shown in the empty box ("Type to search…")
//   data-picker-empty        the text shown when nothing matches
(function () {
  "use strict";

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function enhance(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (select.tomselect) return;
      var multiple = select.multiple;
      var empty = select.dataset.pickerEmpty || "No match";
      var settings = {
        plugins: multiple ? { remove_button: { title: select.dataset.pickerRemove || "Remove" } } : {},
        maxOptions: null,
        dropdownParent: "body",
        allowEmptyOption: !multiple,
        closeAfterSelect: !multiple,
        hidePlaceholder: false,
        placeholder: select.dataset.pickerPlaceholder || "",
        searchField: ["text", "optgroup"],
        render: {
          no_results: function () {
            return '<div class="no-results">' + escapeText(empty) + "</div>";
          },
        },
      };
      var picker = new window.TomSelect(select, settings);
      // The wrapper keeps the select's described-by (help text, errors) on the typing box.
      var described = select.getAttribute("aria-describedby");
      if (described && picker.control_input) {
        picker.control_input.setAttribute("aria-describedby", described);
      }
      if (select.getAttribute("aria-invalid") === "true") {
        picker.wrapper.classList.add("is-invalid");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(event.target);
  });
})();
