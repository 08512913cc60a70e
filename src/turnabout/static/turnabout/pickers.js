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

  // Every typed word must appear in the option; a word that starts a word of the option
  // ("ai" in "Generative AI tools") ranks above one inside a word ("Sustainable").
  function score(search) {
    var words = search.toLowerCase().split(/\s+/).filter(Boolean);
    return function (item) {
      var text = String(item.text || "").toLowerCase();
      var total = 0;
      for (var i = 0; i < words.length; i++) {
        var at = text.indexOf(words[i]);
        if (at < 0) return 0;
        var start = text.search(new RegExp("(^|[^a-z0-9])" + words[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
        total += start >= 0 ? 2 : 1;
        total -= at / 1000;
      }
      return words.length ? total : 1;
    };
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
        clearAfterSelect: true,
        // Filter at once: the options are all in the page, and Enter right after typing
        // must pick from the filtered list, not from the list before the filter ran.
        refreshThrottle: 0,
        hidePlaceholder: false,
        placeholder: select.dataset.pickerPlaceholder || "",
        score: score,
        render: {
          no_results: function () {
            return '<div class="no-results">' + escapeText(empty) + "</div>";
          },
        },
      };
      var picker = new window.TomSelect(select, settings);
      // The native select stays in the form (it is what is sent) but is no longer what
      // people use: its label now names the typing box, so hide it from assistive tools.
      select.setAttribute("aria-hidden", "true");
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
