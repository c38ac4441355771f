/* The upload-link page: one large file in resumable chunks (see upload.js); no inline script. */
(function () {
  var T = JSON.parse(document.getElementById("upload-texts").textContent);
  var state = document.getElementById("state"), bar = document.getElementById("bar"), go = document.getElementById("go");
  go.addEventListener("click", async function () {
    var file = document.getElementById("file").files[0];
    if (!file) return;
    try {
      await bangtinUpload(go.dataset.url, file, Number(go.dataset.chunk), bangtinUpload.show(bar, state, T, ""));
      bar.style.width = "100%";
      state.textContent = T.done;
    } catch (err) { state.textContent = bangtinUpload.explain(err, T); }
  });
})();
