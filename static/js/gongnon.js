// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");

// Filters narrow in place (htmx, on change); their submit button is for the no-JavaScript case.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
});

// After htmx replaces a region, move focus to it so screen-reader and keyboard users follow.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id && document.getElementById(target.id)) {
    var region = document.getElementById(target.id);
    region.setAttribute("tabindex", "-1");
    region.focus({ preventScroll: true });
  }
});

// "Cite or link" boxes: copy buttons, shown only where the browser lets a page write to the clipboard.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      navigator.clipboard.writeText(source.value || source.textContent).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    });
  });
});
