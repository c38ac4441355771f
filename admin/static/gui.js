/* The /gui page: large files go in resumable chunks (see upload.js); its words come from the
   #upload-texts JSON block, so the page needs no inline script. */
(function () {
  var form = document.getElementById("send"), state = document.getElementById("state"), bar = document.getElementById("bar");
  var T = JSON.parse(document.getElementById("upload-texts").textContent);
  var button = form.querySelector("button[type=submit]"), nonce = form.elements.nonce.value;
  form.addEventListener("submit", async function (event) {
    var files = Array.prototype.slice.call(form.elements.files.files);
    if (!files.some(function (f) { return f.size > Number(form.dataset.chunkedAbove); })) return;
    event.preventDefault();
    button.disabled = true;
    var data = new FormData();
    ["csrf_token", "nonce", "text"].forEach(function (name) { data.append(name, form.elements[name].value); });
    data.append("announce", JSON.stringify(files.map(function (f) { return { name: f.name, size: f.size, type: f.type }; })));
    var answer;
    try {
      var r = await fetch("/gui", { method: "POST", body: data, headers: { Accept: "application/json" } });
      answer = await r.json();
      if (!r.ok) throw String(answer.error);
    } catch (err) {
      state.textContent = typeof err === "string" ? T.failed.replace("__W__", err) : T.offline;
      button.disabled = false;
      return;
    }
    if (!answer.uploads.length) {                     // refused (too big, wrong type…), or this form was already sent
      if (!answer.replies.length) { location.assign("/gui"); return; }
      state.textContent = answer.replies.join("\n");
      form.elements.nonce.value = nonce + "-" + Date.now();  // another file is another attempt
      button.disabled = false;
      return;
    }
    bar.parentNode.hidden = false;
    try {
      for (var i = 0; i < answer.uploads.length; i++) {
        var prefix = answer.uploads.length > 1 ? T.file.replace("__I__", i + 1).replace("__N__", answer.uploads.length) + " · " : "";
        await bangtinUpload(answer.uploads[i] + "/data", files[i], Number(form.dataset.chunk),
                            bangtinUpload.show(bar, state, T, prefix));
      }
    } catch (err) {
      state.textContent = bangtinUpload.explain(err, T);
      return;
    }
    location.assign("/gui");                          // the conversation goes on, the files in its draft
  });
})();
