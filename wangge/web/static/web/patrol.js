// The patrol app: reports are put in the phone's IndexedDB first and sent from there, each
// with its own idempotency key, so that a report survives a lost network, a closed tab or a
// lost answer, and a resend never makes a second case.
"use strict";

const DB_NAME = "wangge-patrol";
const OUTBOX = "outbox";
const RETRY_MS = 20000;
const root = document.getElementById("patrol");
const text = JSON.parse(document.getElementById("patrol-text").textContent);
let position = null;
let flushing = false;
let flushAgain = false;

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(OUTBOX, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(OUTBOX, mode);
    const result = work(transaction.objectStore(OUTBOX));
    transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    transaction.onerror = () => reject(transaction.error);
  });
}

const queued = () => store("readonly", (outbox) => outbox.getAll());
const put = (record) => store("readwrite", (outbox) => outbox.put(record));
const drop = (key) => store("readwrite", (outbox) => outbox.delete(key));

function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
}

function sentList() {
  return JSON.parse(localStorage.getItem("wangge-sent") || "[]");
}

async function render() {
  const records = (await queued()).sort((a, b) => a.created - b.created);
  document.getElementById("waiting-count").textContent = String(records.length);
  const waiting = document.getElementById("waiting");
  waiting.replaceChildren(
    ...records.map((record) => {
      const item = document.createElement("li");
      item.dataset.key = record.key;
      item.textContent = record.fields.description;
      if (record.refused) {
        item.className = "error";
        item.textContent += ` — ${text.refused}: ${record.refused}`;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = "×";
        remove.onclick = async () => {
          await drop(record.key);
          render();
        };
        item.append(" ", remove);
      }
      return item;
    }),
  );
  document.getElementById("sent").replaceChildren(
    ...sentList().map((sent) => {
      const item = document.createElement("li");
      item.textContent = `${sent.number} · ${sent.description}`;
      return item;
    }),
  );
}

function showNetwork() {
  const line = document.getElementById("network");
  line.textContent = navigator.onLine ? text.online : text.offline;
  line.className = navigator.onLine ? "status" : "status offline";
}

function refusal(body) {
  if (body && typeof body === "object") {
    return Object.entries(body)
      .map(([field, reasons]) => `${field}: ${[].concat(reasons).join(" ")}`)
      .join("; ");
  }
  return String(body);
}

async function send(record) {
  const form = new FormData();
  for (const [name, value] of Object.entries(record.fields)) {
    if (value !== "" && value !== null) form.append(name, value);
  }
  record.photos.forEach((photo, index) => form.append("photos", photo, `photo-${index + 1}.jpg`));
  // When it was made, not sent: a find kept on the phone is the patrol's that was under way then.
  form.append("found_at", new Date(record.created).toISOString());
  return fetch("/api/v1/cases/", {
    method: "POST",
    body: form,
    credentials: "same-origin",
    headers: { "Idempotency-Key": record.key, "X-CSRFToken": csrfToken() },
  });
}

// Sends what is waiting, oldest first; stops at the first network failure and tries again later.
async function flush() {
  if (flushing) {
    // The network may have come back while this attempt was failing: go once more after it.
    flushAgain = true;
    return;
  }
  flushing = true;
  flushAgain = false;
  try {
    const records = (await queued()).filter((r) => !r.refused).sort((a, b) => a.created - b.created);
    for (const record of records) {
      let response;
      try {
        response = await send(record);
      } catch (error) {
        return; // no network: everything stays where it is
      }
      if (response.status === 201) {
        const body = await response.json();
        const sent = sentList();
        sent.unshift({ number: body.number, description: record.fields.description });
        localStorage.setItem("wangge-sent", JSON.stringify(sent.slice(0, 50)));
        await drop(record.key);
      } else if (response.status === 401 || response.status === 403) {
        document.getElementById("network").textContent = text.login;
        return;
      } else if (response.status >= 400 && response.status < 500) {
        record.refused = refusal(await response.json().catch(() => response.statusText));
        await put(record);
      } else {
        return; // the server is unwell: try again later
      }
    }
  } finally {
    flushing = false;
    render();
    if (flushAgain) flush();
  }
}

function fillCategories(items) {
  const select = document.getElementById("category");
  const chosen = select.value;
  select.replaceChildren(select.options[0]);
  for (const item of items) {
    const group = document.createElement("optgroup");
    group.label = item.name;
    for (const category of item.categories) {
      const option = document.createElement("option");
      option.value = category.id;
      option.textContent = `${category.code} ${category.name}`;
      group.append(option);
    }
    select.append(group);
  }
  select.value = chosen;
}

async function locate() {
  const where = document.getElementById("where");
  const cached = localStorage.getItem("wangge-tasks");
  if (cached) fillCategories(JSON.parse(cached));
  let coords;
  try {
    coords = await new Promise((resolve, reject) =>
      navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), reject, {
        enableHighAccuracy: true,
        timeout: 15000,
      }),
    );
  } catch (error) {
    where.textContent = text.no_position;
    return;
  }
  position = { lng: coords.longitude, lat: coords.latitude };
  try {
    const located = await fetch(`/api/v1/grids/locate?lng=${position.lng}&lat=${position.lat}`);
    if (located.status === 404) {
      where.textContent = text.nowhere;
      return;
    }
    const grid = (await located.json()).grid;
    where.textContent = `${text.grid}: ${grid.name} (${grid.code})`;
    const tasks = await fetch(`/api/v1/grids/${grid.code}/tasks`, { credentials: "same-origin" });
    if (tasks.ok) {
      const items = await tasks.json();
      localStorage.setItem("wangge-tasks", JSON.stringify(items));
      fillCategories(items);
    }
  } catch (error) {
    // Offline: the position still goes with the report, the task list is the last one seen.
    where.textContent = `${position.lat.toFixed(5)}, ${position.lng.toFixed(5)}`;
  }
}

async function report(event) {
  event.preventDefault();
  if (!position) {
    document.getElementById("where").textContent = text.no_position;
    return;
  }
  const fixed = document.getElementById("fixed").checked;
  const record = {
    key: crypto.randomUUID(),
    created: Date.now(),
    fields: {
      category: document.getElementById("category").value,
      description: document.getElementById("description").value,
      lng: position.lng,
      lat: position.lat,
      fixed_on_spot: fixed ? document.getElementById("fixed-note").value : "",
    },
    photos: Array.from(document.getElementById("photos").files),
  };
  await put(record);
  event.target.reset();
  document.getElementById("fixed-note-label").hidden = true;
  document.getElementById("network").textContent = text.queued;
  await render();
  flush();
}

document.getElementById("report").addEventListener("submit", report);
document.getElementById("fixed").addEventListener("change", (event) => {
  document.getElementById("fixed-note-label").hidden = !event.target.checked;
  document.getElementById("fixed-note").required = event.target.checked;
});
window.addEventListener("online", () => {
  showNetwork();
  flush();
});
window.addEventListener("offline", showNetwork);
setInterval(flush, RETRY_MS);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope });
}
showNetwork();
render();
locate();
flush();
