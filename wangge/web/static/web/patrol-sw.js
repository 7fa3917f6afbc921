// The patrol app's service worker (SHELL, the page and its files, is written above by the
// server). The shell comes from the network when there is one and from the cache when there
// is not; the API is never cached: reports have their own queue in the page.
"use strict";

const CACHE = "wangge-patrol-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !SHELL.includes(url.pathname)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        if (response.ok) caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      // Django varies pages by cookie and language; offline, the copy this phone kept is the one.
      .catch(() => caches.match(event.request, { ignoreVary: true })),
  );
});
