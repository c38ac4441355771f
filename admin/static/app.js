/* Small behaviours of the admin pages, kept out of the HTML so the CSP can forbid inline script. */
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent (deactivating an officer, taking over a lock).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // A transcript line's play button seeks the player to the line's start.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button[data-start]") : null;
    var player = document.getElementById("player");
    if (!button || !player) return;
    player.currentTime = Number(button.dataset.start);
    player.play();
  });
})();
