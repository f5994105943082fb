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

// Question editor: pick the source quote by selecting it in the lesson text.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("use-selection");
  const source = document.getElementById("lesson-source");
  const field = document.getElementById("id_source_quote");
  if (!button || !source || !field) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const selection = window.getSelection();
    const text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    if (text && source.contains(selection.anchorNode)) {
      field.value = text;
      field.focus();
    }
  });
});

// Quiz navigator: open on wide screens; on narrow ones a one-line bar that opens on
// demand and closes again once a question is picked. Without JavaScript it stays open.
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.getElementById("quiz-nav");
  if (!nav) return;
  const narrow = window.matchMedia("(max-width: 40rem)");
  nav.classList.add("is-enhanced");
  if (narrow.matches) nav.open = false;
  nav.addEventListener("click", (event) => {
    if (narrow.matches && event.target.closest("a")) nav.open = false;
  });
});
