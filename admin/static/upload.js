// Resumable upload by offsets, the protocol of bot/web/uploads.py: HEAD says how much the server
// has, each PATCH sends the next chunk at that offset. A dropped connection waits and resumes.
// report(kind, value): "progress" with the percent done, "retry" with the seconds until the next try.
// Throws "gone" (link used or expired) or "refused:<why>" (the server will not take the file).
(function () {
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  async function offset(url) {
    var r = await fetch(url, { method: "HEAD", cache: "no-store" });
    if (r.status === 410 || r.status === 404) throw "gone";
    return parseInt(r.headers.get("Upload-Offset") || "0", 10);
  }

  window.bangtinUpload = async function (url, file, chunk, report) {
    var off = await offset(url), wait = 2, result = null;
    while (off < file.size) {
      try {
        var r = await fetch(url, { method: "PATCH", body: file.slice(off, off + chunk), headers: {
          "Upload-Offset": String(off), "Upload-Length": String(file.size),
          "Content-Type": "application/offset+octet-stream" } });
        if (r.status === 410 || r.status === 404) throw "gone";
        if (r.status === 413 || r.status === 400) { var e = await r.json(); throw "refused:" + e.error; }
        off = parseInt(r.headers.get("Upload-Offset") || String(off), 10);
        if (r.status === 200) result = await r.json();
        wait = 2;
        report("progress", Math.floor(100 * off / file.size));
      } catch (err) {
        if (err === "gone" || String(err).indexOf("refused:") === 0) throw err;
        report("retry", wait);
        await sleep(wait * 1000);
        wait = Math.min(wait * 2, 60);
        try { off = await offset(url); } catch (again) { if (again === "gone") throw again; }
      }
    }
    return result;
  };

  // A page's report(kind, value) for bangtinUpload: the bar and the state line in the page's words T
  // (bot/web/templates/upload_texts.html), each line after `prefix`.
  window.bangtinUpload.show = function (bar, state, T, prefix) {
    return function (kind, value) {
      if (kind === "progress") { bar.style.width = value + "%"; state.textContent = prefix + T.sending.replace("__P__", value); }
      else state.textContent = prefix + T.retry.replace("__S__", value);
    };
  };

  // What a thrown "gone" or "refused:<why>" means, in the page's words T.
  window.bangtinUpload.explain = function (err, T) {
    return err === "gone" ? T.gone : T.failed.replace("__W__", String(err).slice(8));
  };
})();
