// Dates read dd/mm/yyyy whatever the browser's locale: each <input type=date> becomes a text field
// showing dd/mm/yyyy, and a hidden field of the same name carries the ISO date the server expects.
// Without JavaScript the browser's own date field stays (it still sends ISO dates).
(function () {
  "use strict";
  function toIso(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
    if (!m) return "";
    var d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
    if (d.getUTCDate() !== +m[1] || d.getUTCMonth() !== +m[2] - 1) return "";
    return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
  }
  function toShown(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }
  function convert(input) {
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = input.value;
    input.removeAttribute("name");
    input.type = "text";
    input.value = toShown(hidden.value);
    input.placeholder = "dd/mm/yyyy";
    input.inputMode = "numeric";
    input.pattern = "\\d{1,2}/\\d{1,2}/\\d{4}";
    input.insertAdjacentElement("afterend", hidden);
    input.addEventListener("input", function () { hidden.value = input.value.trim() ? toIso(input.value) : ""; });
  }
  function run() { Array.prototype.forEach.call(document.querySelectorAll("input[type=date][name]"), convert); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
