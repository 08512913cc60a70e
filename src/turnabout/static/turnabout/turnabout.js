// Small enhancements without inline handlers (the Content-Security-Policy forbids them).
// Pages work without this file: a form that asks for a confirmation simply submits, and
// "select all" is a box to tick by hand.
//
// Confirmations: a form (or one of its submit buttons) with data-confirm="Question?" opens
// the page's <dialog id="confirm-dialog"> (in base.html) before it submits. Optional:
//   data-confirm-detail  a sentence under the question
//   data-confirm-ok      the confirming button's label (default "Confirm")
//   data-confirm-danger  styles the confirming button as destructive
// Escape or Cancel closes the dialog and nothing is sent; focus returns to the button that
// opened it. The button's own name and value are kept when the form is finally sent.
(function () {
  "use strict";
  var approved = null; // the submitter whose confirmation was just given

  function confirmSource(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) return submitter;
    if (form.hasAttribute("data-confirm")) return form;
    return null;
  }

  function ask(dialog, source, form, submitter) {
    var title = dialog.querySelector("[data-dialog-title]");
    var detail = dialog.querySelector("[data-dialog-detail]");
    var ok = dialog.querySelector("[data-dialog-ok]");
    var cancel = dialog.querySelector("[data-dialog-cancel]");
    title.textContent = source.dataset.confirm;
    detail.textContent = source.dataset.confirmDetail || "";
    detail.hidden = !source.dataset.confirmDetail;
    ok.textContent = source.dataset.confirmOk || ok.dataset.default;
    ok.classList.toggle("button--danger", source.hasAttribute("data-confirm-danger"));
    ok.classList.toggle("button--primary", !source.hasAttribute("data-confirm-danger"));
    var opener = submitter || document.activeElement;
    dialog.returnValue = "";
    dialog.addEventListener(
      "close",
      function () {
        if (dialog.returnValue === "confirm") {
          approved = submitter || form;
          if (submitter) form.requestSubmit(submitter);
          else form.requestSubmit();
        } else if (opener && typeof opener.focus === "function") {
          opener.focus();
        }
      },
      { once: true }
    );
    dialog.showModal();
    cancel.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method === "dialog") return;
    var submitter = event.submitter || null;
    var source = confirmSource(form, submitter);
    if (!source) return;
    if (approved !== null && (approved === submitter || approved === form)) {
      approved = null;
      return; // confirmed: let it go
    }
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (!window.confirm(source.dataset.confirm)) event.preventDefault();
      return;
    }
    event.preventDefault();
    ask(dialog, source, form, submitter);
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest("input[data-select-all]");
    if (!box) return;
    box.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
