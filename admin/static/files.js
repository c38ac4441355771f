// The file picker of /gui in the page's language: the native "Choose Files / No file chosen" follows the
// browser's locale, so the input is hidden behind a labelled button and the chosen names are listed here.
(function () {
  "use strict";
  function run() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-chosen]"), function (input) {
      var out = document.getElementById(input.dataset.chosen);
      input.addEventListener("change", function () {
        var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
        out.textContent = names.length ? names.join(", ") : out.dataset.none;
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
