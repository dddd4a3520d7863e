// What pages used to write inline (onclick, onsubmit, onchange), here so that the Content-Security-Policy can refuse
// every inline script: a form or its button with data-confirm asks first; a field with data-autosubmit sends its
// form when changed; a button with data-print prints the page; a link with data-back goes back.
"use strict";

document.addEventListener("submit", (event) => {
  const question = (event.submitter && event.submitter.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  } else if (event.target.closest("[data-back]") && window.history.length > 1) {
    event.preventDefault();  // "back" goes where the person came from; without a history, to the start page
    window.history.back();
  }
});
