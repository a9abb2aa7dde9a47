// The playground's Web Worker: MicroPython (WebAssembly) running neuronsim.
//
// It fetches neuronsim-bundle.json (the package's own Python files, written
// by `neuronsim playground` or its --build), puts them into MicroPython's
// in-memory file system, imports neuronsim.playground.driver and passes the
// page's requests to driver.handle() as JSON text.  It computes nothing
// itself: every number the page shows comes from that Python.
//
// Page -> worker:  {id, request}           one request, answered {id, reply}
//                  {run: true, ms}          train in slices until {run: false}
// Worker -> page:  {ready: about} | {id, reply} | {progress: reply} | {fatal: text}

import { loadMicroPython } from "./micropython/micropython.mjs";

let handle = null;       // driver.handle, once loaded
let running = false;
let slice = 60;          // milliseconds of training per slice
let since = 0;           // the page has the training history up to here
let lastGrid = 0;
const GRID_EVERY = 250;  // redraw the maps at most this often while training (ms)

function call(request) {
  if (request.cmd !== "init" && request.cmd !== "reset" && request.cmd !== "load_csv") {
    request.since = since;
  }
  let text;
  try {
    text = handle(JSON.stringify(request));
  } catch (error) {   // a Python exception the driver did not expect: a bug, say so
    return { ok: false, error: "Python raised: " + String(error.message || error) };
  }
  const reply = JSON.parse(text);
  if (reply.history) since = reply.history.start + reply.history.train.length;
  return reply;
}

function loop() {
  if (!running) return;
  const now = performance.now();
  const grid = now - lastGrid >= GRID_EVERY;
  const reply = call({ cmd: "train", ms: slice, grid });
  if (grid) lastGrid = performance.now();
  if (!reply.ok) running = false;
  postMessage({ progress: reply, running });
  if (running) setTimeout(loop, 0);
}

async function start() {
  const started = performance.now();
  const response = await fetch("neuronsim-bundle.json");
  if (!response.ok) throw new Error("neuronsim-bundle.json: HTTP " + response.status);
  const bundle = await response.json();
  const lines = [];
  const mp = await loadMicroPython({
    heapsize: 64 * 1024 * 1024,
    stdout: (line) => lines.push(line),
    stderr: (line) => lines.push(line),
  });
  for (const [path, text] of Object.entries(bundle.files)) {
    const parts = ("/bundle/" + path).split("/").slice(1, -1);
    for (let i = 1; i <= parts.length; i++) {
      try { mp.FS.mkdir("/" + parts.slice(0, i).join("/")); } catch (e) { /* exists */ }
    }
    mp.FS.writeFile("/bundle/" + path, text);
  }
  mp.runPython('import sys\nsys.path.insert(0, "/bundle")');
  const driver = mp.pyimport("neuronsim.playground.driver");
  handle = (text) => driver.handle(text);
  const about = JSON.parse(handle(JSON.stringify({ cmd: "about" })));
  about.load_ms = Math.round(performance.now() - started);
  about.bundle = bundle.version;
  postMessage({ ready: about });
}

onmessage = (event) => {
  const message = event.data;
  if (handle === null) {
    postMessage({ id: message.id, reply: { ok: false, error: "still loading MicroPython" } });
    return;
  }
  if (message.run !== undefined) {
    if (message.ms) slice = message.ms;
    const was = running;
    running = message.run;
    if (running && !was) { lastGrid = 0; setTimeout(loop, 0); }
    if (!running && was) postMessage({ stopped: true, reply: call({ cmd: "snapshot" }) });
    return;
  }
  const reply = call(message.request);
  postMessage({ id: message.id, reply, running });
};

start().catch((error) => postMessage({ fatal: String(error && error.stack || error) }));
