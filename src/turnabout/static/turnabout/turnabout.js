// Small enhancements without inline handlers (the Content-Security-Policy forbids them).
// Pages work without this file: it only adds confirmations and a "select all" box.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("change", (event) => {
  const box = event.target.closest("input[data-select-all]");
  if (!box) return;
  for (const other of box.closest("table").querySelectorAll("tbody input[type=checkbox]")) {
    other.checked = box.checked;
  }
});
