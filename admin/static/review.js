// The review page: play from a subtitle line, add a line at the player's position, remove lines,
// confirm a lock take-over. No inline handlers: the page's markup carries data attributes only.
(function () {
  "use strict";
  function player() { return document.getElementById("player"); }
  function seconds(value) { return (Math.round(value * 100) / 100).toFixed(2); }

  document.addEventListener("click", function (event) {
    var play = event.target.closest("button.play");
    if (play) {
      var p = player();
      if (!p) return;
      var row = play.closest("tr");
      var start = row ? parseFloat((row.querySelector("input[name=seg_start]") || {}).value) : NaN;
      p.currentTime = isNaN(start) ? parseFloat(play.dataset.start || "0") : start;
      p.play();
      return;
    }
    var remove = event.target.closest("button.remove-cue");
    if (remove) {
      remove.closest("tr").remove();
      return;
    }
    if (event.target.closest("#add-cue")) {
      var template = document.getElementById("cue-template");
      var rows = document.getElementById("cue-rows");
      if (!template || !rows) return;
      var p2 = player();
      var at = p2 ? p2.currentTime || 0 : 0;
      var fresh = template.content.firstElementChild.cloneNode(true);
      fresh.querySelector("input[name=seg_start]").value = seconds(at);
      fresh.querySelector("input[name=seg_end]").value = seconds(at + 3);
      // Keep the lines in time order: insert before the first line that starts later.
      var later = Array.prototype.find.call(rows.children, function (tr) {
        var s = parseFloat((tr.querySelector("input[name=seg_start]") || {}).value);
        return !isNaN(s) && s > at;
      });
      rows.insertBefore(fresh, later || null);
      fresh.querySelector("input[name=seg_text]").focus();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
