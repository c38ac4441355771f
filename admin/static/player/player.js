/* bangtin board player: pairs, caches the next 48 h, plays the plan in its windows, obeys
   emergencies at once, keeps proof of play locally until the server has it. Plain JS, no build. */
(() => {
  "use strict";
  const API = "/api/player/v1";
  const VERSION = "player-1.1";
  const MEDIA_CACHE = "bangtin-media-v1";
  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const load = (key, fallback) => { try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch (e) { return fallback; } };
  const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));

  let token = localStorage.getItem("bangtin.token");
  let manifest = load("bangtin.manifest", null);
  let offsetMs = load("bangtin.offset", 0);     // server clock minus ours
  let current = null;                           // what is on screen now
  let online = true;
  let lastOk = Date.now();
  const urls = new Map();                       // cache key -> object URL
  const acked = new Set(load("bangtin.acked", []));
  const now = () => Date.now() + offsetMs;
  const uid = () => (self.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : "p" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);

  function setOnline(ok) {
    online = ok;
    if (ok) lastOk = Date.now();
    $("offline").hidden = ok;
    document.body.dataset.online = ok ? "1" : "0";
  }

  function correctClock(serverIso, sentAt, receivedAt) {
    const server = Date.parse(serverIso);
    if (!isNaN(server)) { offsetMs = Math.round(server - (sentAt + receivedAt) / 2); save("bangtin.offset", offsetMs); }
  }

  async function api(path, options = {}) {
    const headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
    let body;
    if (options.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(options.json); }
    let response;
    try {
      response = await fetch(API + path, { method: options.method || "GET", headers, body, cache: "no-store" });
    } catch (error) { setOnline(false); throw error; }
    setOnline(true);
    if (response.status === 401) { unpair(); throw new Error("board token refused"); }
    return response;
  }

  function unpair() {
    token = null; manifest = null;
    localStorage.removeItem("bangtin.token"); localStorage.removeItem("bangtin.manifest");
    decided = false; current = null;             // the pairing screen takes over from whatever was shown
    $("stage").replaceChildren(); $("idle").hidden = true; $("emergency").hidden = true;
  }

  // --- pairing ------------------------------------------------------------------------------
  async function pair() {
    $("pairing").hidden = false;
    while (!token) {
      try {
        const started = await fetch(API + "/pairings", { method: "POST" });
        if (!started.ok) { await sleep(10000); continue; }
        const { code, claim } = await started.json();
        $("pair-code").textContent = code;
        setOnline(true);
        while (!token) {
          await sleep(2000);
          const answer = await fetch(API + "/pairings/claim", { method: "POST", headers: { "Content-Type": "application/json" },
                                                               body: JSON.stringify({ claim }) });
          if (answer.status === 200) { token = (await answer.json()).token; localStorage.setItem("bangtin.token", token); }
          else if (answer.status !== 202) break;   // expired or unknown: ask for a new code
        }
      } catch (error) { setOnline(false); await sleep(3000); }
    }
    $("pairing").hidden = true;
  }

  // --- manifest and media cache -------------------------------------------------------------
  // One manifest request at a time, so an older answer can never overwrite a newer one.
  let syncing = null, syncAgain = false;
  // The emergency state last pushed, and when it came: a manifest whose request left before that push is
  // older than it (an emergency ended while the manifest was on its way must not come back on screen).
  let pushed = null;
  function syncManifest() {
    if (syncing) { syncAgain = true; return syncing; }
    syncing = (async () => {
      try { do { syncAgain = false; await fetchManifest(); } while (syncAgain); } finally { syncing = null; }
    })();
    return syncing;
  }

  async function fetchManifest() {
    const sentAt = Date.now();
    const response = await api("/manifest", { headers: manifest ? { "If-None-Match": manifest.etag } : {} });
    const server = response.headers.get("X-Server-Time");
    if (server) correctClock(server, sentAt, Date.now());
    if (response.status === 200) {
      manifest = await response.json();
      if (pushed && pushed.at > sentAt && pushed.etag !== manifest.etag) {
        manifest.emergency = pushed.emergency ? Object.assign({}, manifest.emergency, pushed.emergency) : null;
      }
      save("bangtin.manifest", manifest);
    }
    if (manifest) await cacheMedia();
  }

  const mediaKey = (media) => "/cache/media/" + media.sha256;
  const subtitleKey = (track) => "/cache/subtitles/" + track.url.split("/").pop() + "?v=" + track.version;

  async function cacheMedia() {
    if (!self.caches) return;
    const cache = await caches.open(MEDIA_CACHE);
    const wanted = new Set();
    for (const item of Object.values(manifest.items)) {
      const jobs = [];
      if (item.media) jobs.push([mediaKey(item.media), item.media.url, item.media.size]);
      for (const track of item.subtitles || []) jobs.push([subtitleKey(track), track.url, null]);
      for (const [key, url, size] of jobs) {
        wanted.add(key);
        if (await cache.match(key)) continue;
        const response = await api(url.replace(API, ""));
        if (!response.ok) continue;
        const blob = await response.blob();
        if (size !== null && blob.size !== size) continue;  // a broken download is never cached
        await cache.put(key, new Response(blob, { headers: { "Content-Type": response.headers.get("Content-Type") || "" } }));
      }
    }
    for (const request of await cache.keys()) {
      const key = new URL(request.url).pathname + new URL(request.url).search;
      if (!wanted.has(key)) { await cache.delete(request); urls.delete(key); }
    }
  }

  async function objectUrl(key) {
    if (urls.has(key)) return urls.get(key);
    if (!self.caches) return null;
    const hit = await (await caches.open(MEDIA_CACHE)).match(key);
    if (!hit) return null;
    const url = URL.createObjectURL(await hit.blob());
    urls.set(key, url);
    return url;
  }

  async function cachedRatio() {
    if (!manifest || !self.caches) return 0;
    const cache = await caches.open(MEDIA_CACHE);
    let total = 0, ready = 0;
    for (const day of manifest.days) for (const w of day.windows) for (const [item, , ms] of w.slots) {
      const meta = manifest.items[String(item)];
      total += ms;
      if (!meta || !meta.media || await cache.match(mediaKey(meta.media))) ready += ms;
    }
    return total ? ready / total : 1;
  }

  // --- what to show now ---------------------------------------------------------------------
  function emergencyNow(t) {
    const e = manifest && manifest.emergency;
    if (!e) return null;
    if (e.ends_at && Date.parse(e.ends_at) <= t) return null;
    return e;
  }

  function slotAt(t) {
    if (!manifest) return null;
    for (const day of manifest.days) for (const w of day.windows) {
      if (t < w.start_ms || t >= w.end_ms) continue;
      for (const [item, offset, ms] of w.slots) {
        const start = w.start_ms + offset;
        if (start <= t && t < start + ms) return { item, start, end: start + ms };
      }
    }
    return null;
  }

  function recordPlay(shown) {
    if (!shown || !shown.shownAt) return;
    const ended = now();
    if (ended - shown.shownAt < 1000) return;
    const plays = load("bangtin.plays", []);
    plays.push({ uid: uid(), item: shown.item ?? null, emergency: shown.emergency ?? null,
                 started_at: new Date(shown.shownAt).toISOString(), ended_at: new Date(ended).toISOString() });
    save("bangtin.plays", plays);
  }

  function notice(item) {
    const box = document.createElement("div");
    box.className = "notice";
    const parts = (item.body || item.title || "").split(/\n\s*-{3,}\s*\n/);
    parts.forEach((text, index) => {            // Vietnamese first and largest (Luật Quảng cáo)
      const p = document.createElement("div");
      p.className = index === 0 ? "vi" : "other";
      p.textContent = text.trim();
      box.appendChild(p);
    });
    return box;
  }

  async function mediaElement(item, offsetMs, loop) {
    if (item.kind === "text" || !item.media) return notice(item);
    const src = await objectUrl(mediaKey(item.media));
    if (!src) return null;                      // not cached yet: nothing is shown, nothing is claimed
    if (item.kind === "image") { const img = document.createElement("img"); img.src = src; img.alt = item.title; return img; }
    const video = document.createElement(item.kind === "audio" ? "audio" : "video");
    video.src = src; video.autoplay = true; video.muted = !location.search.includes("sound=1"); video.loop = loop;
    video.playsInline = true;
    for (const track of item.subtitles || []) {
      const url = await objectUrl(subtitleKey(track));
      if (!url) continue;
      const el = document.createElement("track");
      el.kind = "subtitles"; el.srclang = track.language; el.src = url; el.default = track.language === "vi";
      video.appendChild(el);
    }
    if (offsetMs > 1000) video.addEventListener("loadedmetadata", () => { video.currentTime = offsetMs / 1000; }, { once: true });
    return video;
  }

  async function show(want) {
    recordPlay(current);
    current = want;
    const stage = $("stage");
    stage.replaceChildren();
    $("emergency").hidden = true;
    $("idle").hidden = false;                   // the clock stays up until something replaces it: never black
    document.body.dataset.state = want ? "waiting" : "idle";
    if (!want) return;
    if (want.emergency) {
      const e = manifest.emergency;
      const body = $("emergency-body");
      body.replaceChildren();
      const item = e.item ? manifest.items[String(e.item)] : null;
      const element = item ? await mediaElement(item, 0, true) : null;
      if (element) body.appendChild(element);
      if (e.text) { const text = document.createElement("div"); text.className = "text"; text.textContent = e.text; body.appendChild(text); }
      $("emergency").hidden = false;
      $("idle").hidden = true;
      document.body.dataset.state = "emergency";
      want.shownAt = now();
      acknowledge(e.id);
      return;
    }
    const item = manifest.items[String(want.item)];
    const element = item ? await mediaElement(item, now() - want.start, false) : null;
    if (current !== want) return;              // something else started meanwhile
    if (!element) return;                      // not cached yet: the clock stays up
    stage.appendChild(element);
    $("idle").hidden = true;
    want.shownAt = now();
    document.body.dataset.playing = String(want.item);
    document.body.dataset.state = "playing";
  }

  async function acknowledge(id) {
    if (acked.has(id)) return;
    try {
      const response = await api("/emergencies/" + id + "/ack", { method: "POST" });
      if (response.ok) { acked.add(id); save("bangtin.acked", [...acked].slice(-50)); }
    } catch (error) { /* retried on the next tick */ }
  }

  let busy = false;
  let decided = false;                          // has any screen been chosen since pairing?
  async function tick() {
    const t = now();
    renderClock(t);
    if (!token || busy) return;
    const e = emergencyNow(t);
    let want = null;
    if (e) want = { key: "e" + e.id, emergency: e.id, item: e.item };
    else { const slot = slotAt(t); if (slot) want = Object.assign({ key: "s" + slot.start + ":" + slot.item }, slot); }
    if (e && !acked.has(e.id)) acknowledge(e.id);
    if (e && current && current.emergency && t - current.shownAt > 60000) { recordPlay(current); current.shownAt = now(); }
    const retry = want && current && want.key === current.key && !current.shownAt;  // its media arrived since
    // The first decision after pairing is always drawn, so a board outside its windows shows the clock, not black.
    if (!decided || retry || (want && want.key) !== (current && current.key)) {
      decided = true;
      busy = true;
      try { await show(want); } finally { busy = false; }
    }
  }

  function renderClock(t) {
    const zone = (manifest && manifest.timezone) || "Asia/Ho_Chi_Minh";
    const d = new Date(t);
    $("clock").textContent = new Intl.DateTimeFormat("vi-VN", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(d);
    $("date").textContent = new Intl.DateTimeFormat("vi-VN", { timeZone: zone, weekday: "long", day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
    $("board-name").textContent = manifest ? manifest.board.name : "";
  }

  // --- reporting ----------------------------------------------------------------------------
  async function uploadPlays() {
    const plays = load("bangtin.plays", []);
    if (!plays.length || !token) return;
    const batch = plays.slice(0, (manifest && manifest.plays_batch) || 50);
    const response = await api("/plays", { method: "POST", json: { plays: batch } });
    if (!response.ok) return;
    const result = await response.json();
    const done = new Set([...result.accepted, ...result.duplicates, ...result.rejected.map((r) => r.uid)]);
    save("bangtin.plays", load("bangtin.plays", []).filter((p) => !done.has(p.uid)));
  }

  async function heartbeat() {
    let free = null;
    try { const s = await navigator.storage.estimate(); free = Math.max(0, Math.round(s.quota - s.usage)); } catch (e) { /* unknown */ }
    const sentAt = Date.now();
    const response = await api("/heartbeat", { method: "POST", json: {
      player_time: new Date().toISOString(), playing_item: current && current.item ? current.item : null,
      cached_ratio: await cachedRatio(), free_bytes: free, app_version: VERSION } });
    if (response.ok) correctClock((await response.json()).server_time, sentAt, Date.now());
  }

  async function listen() {                     // Server-Sent Events over fetch, so the token goes in a header
    const decoder = new TextDecoder();
    for (;;) {
      if (!token) { await sleep(1000); continue; }
      try {
        const response = await api("/events", { headers: { Accept: "text/event-stream" } });
        const reader = response.body.getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) { onEvent(buffer.slice(0, cut)); buffer = buffer.slice(cut + 2); }
        }
      } catch (error) { /* reconnect below */ }
      await sleep(3000);
    }
  }

  function onEvent(chunk) {
    let name = "message", data = "";
    for (const line of chunk.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    if (name === "revoked") { unpair(); return; }
    if (name !== "manifest" || !data) return;
    const message = JSON.parse(data);
    pushed = { at: Date.now(), etag: message.etag, emergency: message.emergency };
    if (manifest) { manifest.emergency = message.emergency ? Object.assign({}, manifest.emergency, message.emergency) : null; }
    tick();                                     // a text emergency shows before the manifest arrives
    if (!manifest || message.etag !== manifest.etag) syncManifest().catch(() => {});
  }

  function every(ms, job) {
    const run = async () => { try { await job(); } catch (error) { /* offline: next round */ } setTimeout(run, ms); };
    run();
  }

  async function main() {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/player/sw.js", { scope: "/player" }).catch(() => {});
    setOnline(navigator.onLine);
    setInterval(tick, 250);
    every(60000, () => token && syncManifest());
    every(5000, uploadPlays);
    every(30000, () => token && heartbeat());
    listen();
    for (;;) {
      if (!token) { await pair(); syncManifest().catch(() => {}); heartbeat().catch(() => {}); }
      await sleep(1000);
    }
  }
  window.bangtinPlayer = { state: () => ({ token: !!token, online, offsetMs, current, manifest, plays: load("bangtin.plays", []) }) };
  main();
})();
