/* bangtin board player: keeps the page itself available offline. Media live in Cache Storage,
   written by the page; API requests are never touched here (they go to the network as usual). */
const SHELL = "bangtin-shell-v1";
const SHELL_URLS = ["/player", "/static/player/player.js", "/static/player/player.css"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!SHELL_URLS.includes(url.pathname)) return;
  // Network first so an update arrives; the cached copy when the network is gone.
  event.respondWith(
    fetch(event.request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(SHELL).then((cache) => cache.put(url.pathname, copy));
      return response;
    }).catch(() => caches.match(url.pathname))
  );
});
