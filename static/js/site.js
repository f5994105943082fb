// After htmx swaps in a checked answer, move focus to its feedback so keyboard and
// screen-reader users land on the result instead of on <body>.
document.addEventListener("htmx:afterSwap", (event) => {
  const feedback = event.detail.target.querySelector
    ? document.querySelector(`#${CSS.escape(event.detail.target.id)}-feedback`)
    : null;
  const error = document.querySelector(`#${CSS.escape(event.detail.target.id)}-error`);
  (feedback || error)?.focus();
});

// Keep a form from being sent twice by a double click while the first request runs.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitting === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
  setTimeout(() => { form.dataset.submitting = "false"; }, 3000);
});
