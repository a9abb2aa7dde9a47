// The playground page: controls, drawing, and messages to the worker.
//
// This file draws and lays out; it computes no number of the network.  Every
// value shown (outputs, errors, partials, maps, curves) comes from neuronsim,
// running in worker.js on MicroPython, through neuronsim/playground/driver.py.

const $ = (id) => document.getElementById(id);
if (location.protocol === "file:") {
  $("status").dataset.state = "error";
  $("status").textContent = "Open this page through `neuronsim playground` (or any web server): " +
    "a Web Worker cannot start from a file:// address.";
}
const worker = new Worker("worker.js", { type: "module" });

// -- talking to the worker -----------------------------------------------------------
let nextId = 1;
const waiting = new Map();
let about = null;
let running = false;

function ask(request) {
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    worker.postMessage({ id, request });
  });
}

worker.onmessage = (event) => {
  const message = event.data;
  if (message.fatal) { setStatus("error", "The worker failed to start: " + message.fatal); return; }
  if (message.ready) { ready(message.ready); return; }
  if (message.progress) {
    show(message.progress);
    if (!message.running && running) stopped();
    return;
  }
  if (message.stopped) { show(message.reply); afterChange(); return; }
  const resolve = waiting.get(message.id);
  if (resolve) { waiting.delete(message.id); resolve(message.reply); }
};
worker.onerror = (event) => setStatus("error", "Worker error: " + (event.message || event));

async function run(request, options = {}) {
  setBusy(true);
  const reply = await ask(request);
  setBusy(false);
  show(reply);
  if (reply.ok && !running && options.settle !== false) afterChange();
  return reply;
}

// -- state -----------------------------------------------------------------------------
const view = {
  config: null, layers: null, names: null, data: null, grid: null, reply: null,
  history: { train: [], test: [], test_accuracy: [] }, selection: null,
};
let hidden = new Set();         // groups hidden by the link this page was opened with
const GROUPS = [["data", "data set"], ["features", "features"], ["layers", "network layers"],
                ["training", "training settings"], ["inspector", "inspector"],
                ["export", "export"], ["share", "share"]];

function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

let pending = 0;   // requests sent and not yet answered
function setBusy(busy) {
  pending = Math.max(0, pending + (busy ? 1 : -1));
  document.body.dataset.busy = pending ? "1" : "0";
}

// -- numbers, as text (display only) -----------------------------------------------------
function fmt(value, digits = 4) {
  if (value === null || value === undefined) return "–";
  if (value === 0) return "0";
  const text = Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ?
    String(Number(value.toPrecision(digits))) : value.toExponential(digits - 1);
  return text.replace("-", "−");
}
const g9 = (value) => fmt(value, 9);

// -- colours ---------------------------------------------------------------------------
const POS = [31, 111, 180], NEG = [224, 99, 26], MID = [246, 246, 244];
const PALETTE = [[224, 99, 26], [31, 111, 180], [44, 160, 44], [148, 103, 189],
                 [214, 39, 40], [23, 190, 207], [140, 86, 75], [188, 189, 34]];
function mix(a, b, t) { return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]; }
function diverging(v) {
  if (!(v === v)) return MID;
  v = Math.max(-1, Math.min(1, v));
  return v >= 0 ? mix(MID, POS, v) : mix(MID, NEG, -v);
}
const css = (c) => "rgb(" + c.map(Math.round).join(",") + ")";
function classColour(label, count) {
  if (count <= 2) return label ? POS : NEG;
  return PALETTE[label % PALETTE.length];
}

// How a neuron's outputs map onto [-1, 1] for colouring.
function scaler(activation, values) {
  if (activation === "sigmoid" || activation === "softmax") return (v) => 2 * v - 1;
  if (activation === "tanh") return (v) => v;
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  return largest > 0 ? (v) => v / largest : () => 0;
}

function paint(canvas, size, colourAt) {
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const c = colourAt(i);
    image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2];
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

// -- controls ----------------------------------------------------------------------------
const SELECTS = ["learning_rate", "optimizer", "momentum", "batch_size", "l2", "cost", "data",
                 "samples", "classes", "task", "target"];
const NUMERIC = new Set(["learning_rate", "momentum", "batch_size", "l2", "samples", "classes",
                         "seed", "noise", "train_ratio", "data_seed"]);

function ensureOption(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = document.createElement("option");
    option.value = option.textContent = text;
    select.appendChild(option);
  }
  select.value = text;
}

function readConfig() {
  const c = JSON.parse(JSON.stringify(view.config));
  for (const key of ["learning_rate", "optimizer", "momentum", "batch_size", "l2", "cost",
                     "data", "samples", "classes", "task"]) {
    const value = $(key).value;
    c[key] = NUMERIC.has(key) ? Number(value) : value;
  }
  c.seed = Math.max(0, Math.floor(Number($("seed").value) || 0));
  c.noise = Number($("noise").value);
  c.train_ratio = Number($("train_ratio").value);
  c.train_biases = $("train_biases").checked;
  c.standardize = $("standardize").checked;
  const target = $("target").value;
  c.target = target === "" ? null : Number(target);
  if (c.data === "csv") c.axes = [Number($("axis-x").value || 0), Number($("axis-y").value || 1)];
  c.features = [...document.querySelectorAll("#features input:checked")].map((b) => b.value);
  return c;
}

function writeConfig(c) {
  for (const key of ["learning_rate", "momentum", "batch_size", "l2", "samples", "classes"]) {
    ensureOption($(key), c[key]);
  }
  $("optimizer").value = c.optimizer;
  $("cost").value = c.cost;
  $("data").value = c.data;
  $("task").value = c.task;
  $("seed").value = c.seed;
  $("noise").value = c.noise;
  $("noise-value").textContent = c.noise;
  $("train_ratio").value = c.train_ratio;
  $("ratio-value").textContent = Math.round(c.train_ratio * 100) + "%";
  $("train_biases").checked = c.train_biases;
  $("standardize").checked = c.standardize;
  $("data-seed").textContent = c.data_seed;
  for (const box of document.querySelectorAll("#features input")) {
    box.checked = c.features.includes(box.value);
  }
  document.querySelector(".momentum").classList.toggle("is-hidden", c.optimizer !== "momentum");
  const worked = c.data === "worked", csv = c.data === "csv";
  for (const e of document.querySelectorAll(".toy-only")) e.classList.toggle("is-hidden", worked || csv);
  for (const e of document.querySelectorAll(".gauss-only")) e.classList.toggle("is-hidden", c.data !== "gauss");
  for (const e of document.querySelectorAll(".not-worked")) e.classList.toggle("is-hidden", worked);
  for (const e of document.querySelectorAll(".csv-only")) e.classList.toggle("is-hidden", !csv);
  $("features-box").classList.toggle("is-hidden", worked || csv);
  for (const id of ["add-layer", "remove-layer"]) $(id).disabled = worked;
}

async function changed() {
  if (!view.config) return;
  const reply = await run({ cmd: "configure", config: readConfig() });
  if (!reply.ok) writeConfig(view.config);   // rejected: the controls go back
}

// Suggested settings when the data set changes (the learner can change them after).
function suggest(c) {
  if (c.data === "worked") {
    Object.assign(c, { learning_rate: 0.5, optimizer: "sgd", batch_size: 1, l2: 0, train_biases: false });
  } else if (c.data === "gauss" && c.classes > 2) {
    Object.assign(c, { output: "softmax", cost: "cross_entropy" });
  } else if (c.data === "regression") {
    Object.assign(c, { output: "linear", cost: "squared_error" });
    if (c.layers.length === 0) c.layers = [[8, "tanh"]];
  } else if (c.data !== "csv") {
    Object.assign(c, { output: "sigmoid", cost: c.cost === "cross_entropy" && c.output === "softmax" ? "cross_entropy" : c.cost });
  }
  if (c.data !== "worked" && view.config && view.config.data === "worked") {
    Object.assign(c, { learning_rate: 0.3, batch_size: 1, train_biases: true });
  }
  return c;
}

function wire() {
  $("target").addEventListener("change", () => {
    $("axis-x").value = "0";
    $("axis-y").value = "1";
  }, true);
  for (const id of ["learning_rate", "optimizer", "momentum", "batch_size", "l2", "cost", "samples",
                    "classes", "task", "target", "seed", "train_biases", "standardize",
                    "axis-x", "axis-y"]) {
    $(id).addEventListener("change", changed);
  }
  for (const id of ["noise", "train_ratio"]) $(id).addEventListener("change", changed);
  $("noise").addEventListener("input", () => { $("noise-value").textContent = $("noise").value; });
  $("train_ratio").addEventListener("input", () => {
    $("ratio-value").textContent = Math.round($("train_ratio").value * 100) + "%";
  });
  $("data").addEventListener("change", async () => {
    if ($("data").value === "csv" && !view.csvLoaded) {
      $("data").value = view.config.data;
      $("csv-file").click();
      return;
    }
    const c = suggest(readConfig());
    const reply = await run({ cmd: "configure", config: c });
    if (!reply.ok) writeConfig(view.config);
  });
  $("regenerate").addEventListener("click", () => {
    const c = readConfig();
    c.data_seed = c.data_seed + 1;
    run({ cmd: "configure", config: c });
  });
  $("csv-file").addEventListener("change", async () => {
    const file = $("csv-file").files[0];
    if (!file) return;
    const text = await file.text();
    const c = readConfig();
    c.data = "csv"; c.target = null; c.task = "auto"; c.axes = [0, 1];
    if (c.layers.length === 0) c.layers = [[8, "tanh"]];
    // First with the settings as they are, to learn what the file holds …
    let reply = await run({ cmd: "load_csv", name: file.name, text, config: c }, { settle: false });
    if (!reply.ok) return;
    view.csvLoaded = true;
    // … then with an output that suits it.
    const classes = reply.classes;
    Object.assign(c, classes ? { output: "softmax", cost: "cross_entropy", optimizer: "adam", learning_rate: 0.01, batch_size: 1 } :
                               { output: "linear", cost: "squared_error", optimizer: "adam", learning_rate: 0.01 });
    reply = await run({ cmd: "configure", config: c });
  });
  $("add-layer").addEventListener("click", () => {
    const c = readConfig();
    if (c.layers.length >= about.max_layers) return;
    c.layers.push([c.layers.length ? c.layers[c.layers.length - 1][0] : 4,
                   c.layers.length ? c.layers[c.layers.length - 1][1] : "tanh"]);
    run({ cmd: "configure", config: c });
  });
  $("remove-layer").addEventListener("click", () => {
    const c = readConfig();
    if (c.layers.length <= 1) return;
    c.layers.pop();
    run({ cmd: "configure", config: c });
  });
  $("reset").addEventListener("click", () => run({ cmd: "reset" }));
  $("play").addEventListener("click", () => (running ? pause() : play()));
  $("step-sample").addEventListener("click", () => run({ cmd: "step_sample" }));
  $("step-epoch").addEventListener("click", () => run({ cmd: "step_epoch" }));
  $("show-test").addEventListener("change", drawPoints);
  $("explain-box").addEventListener("toggle", refreshExplain);
  for (const button of document.querySelectorAll("[data-format]")) {
    button.addEventListener("click", () => download(button.dataset.format));
  }
  $("copy-link").addEventListener("click", async () => {
    $("share-url").select();
    try { await navigator.clipboard.writeText($("share-url").value); } catch (e) { /* selected */ }
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    if (event.key === " ") { event.preventDefault(); running ? pause() : play(); }
    if (event.key === "s") run({ cmd: "step_sample" });
  });
}

function play() {
  running = true;
  $("play").textContent = "❚❚ Pause";
  for (const id of ["step-sample", "step-epoch", "reset"]) $(id).disabled = true;
  document.body.dataset.running = "1";
  worker.postMessage({ run: true, ms: 60 });
}

function pause() { worker.postMessage({ run: false }); stopped(); }

function stopped() {
  running = false;
  $("play").textContent = "▶ Train";
  for (const id of ["step-sample", "step-epoch", "reset"]) $(id).disabled = false;
  document.body.dataset.running = "0";
}

// -- showing a reply -------------------------------------------------------------------------
function show(reply) {
  if (!reply) return;
  if (!reply.ok) {
    setStatus("error", reply.error);
    if (!reply.config) return;   // a rejected request changed nothing
  } else {
    setStatus(reply.message ? "warning" : "ready", reply.message || readyText());
  }
  view.reply = reply;
  if (reply.config) { view.config = reply.config; writeConfig(reply.config); }
  if (reply.history) mergeHistory(reply.history);
  if (reply.data) { view.data = reply.data; showCsvControls(); }
  if (reply.grid) view.grid = reply.grid;
  if (reply.layers) {
    view.layers = reply.layers;
    view.names = reply.names;
    view.selection = reply.detail ? { what: reply.detail.what, layer: reply.detail.layer,
                                      neuron: reply.detail.neuron, weight: reply.detail.weight } : null;
    drawNetwork();
    drawRegions();
    drawPoints();
    drawCurve();
    showScores(reply);
    showInspector(reply);
    $("epoch").textContent = reply.epoch;
    $("epoch-part").textContent = reply.cursor ? "+ " + reply.cursor + " of " + reply.epoch_size + " samples" : "";
    $("steps").textContent = reply.steps;
    if (!running) refreshExplain();
  }
}

function readyText() {
  return about ? "neuronsim " + about.neuronsim + " on " + about.python +
    " (WebAssembly, in a Web Worker)" : "";
}

function mergeHistory(part) {
  for (const key of ["train", "test", "test_accuracy"]) {
    const list = view.history[key];
    list.length = Math.min(list.length, part.start);
    for (const v of part[key]) list.push(v);
  }
}

function showCsvControls() {
  const data = view.data;
  if (view.config.data !== "csv" || !data.columns) return;
  const target = $("target");
  target.innerHTML = "";
  data.columns.forEach((name, i) => {
    const option = document.createElement("option");
    option.value = String(i); option.textContent = name;
    target.appendChild(option);
  });
  target.value = String(data.target);
  for (const [id, which] of [["axis-x", 0], ["axis-y", 1]]) {
    const select = $(id);
    select.innerHTML = "";
    view.reply.inputs.columns.forEach((name, i) => {
      const option = document.createElement("option");
      option.value = String(i); option.textContent = name;
      select.appendChild(option);
    });
    select.value = String(view.config.axes[which]);
  }
}

// -- the network --------------------------------------------------------------------------
function layout() {
  const box = $("net-view");
  const columns = [view.names[0].length].concat(view.layers.map((l) => l.neurons.length));
  const tallest = Math.max(...columns);
  box.style.height = Math.max(270, Math.min(440, 90 + tallest * 58)) + "px";
  const width = box.clientWidth, height = box.clientHeight;
  const top = 44;
  const size = Math.max(16, Math.min(46, Math.floor((height - top - 10) / tallest) - 12));
  const gap = size + Math.max(8, Math.min(tallest <= 4 ? 70 : 26, (height - top - tallest * size) / Math.max(1, tallest)));
  const left = 56, right = 64;
  const step = (width - left - right - size) / Math.max(1, columns.length - 1);
  const positions = columns.map((count, c) => {
    const x = left + c * step;
    const total = count * gap - (gap - size);
    const y0 = top + (height - top - total) / 2;
    return Array.from({ length: count }, (_, k) => ({ x, y: y0 + k * gap }));
  });
  return { size, positions, step };
}

function drawNetwork() {
  const { size, positions } = layout();
  const nodes = $("nodes"), links = $("links"), heads = $("layer-heads");
  nodes.innerHTML = ""; links.innerHTML = ""; heads.innerHTML = "";
  const weights = view.reply.weight_names;
  const count = weights.flat(2).length;
  const small = count <= 24;
  const fixed = view.reply.fixed_network;
  const sample = view.reply.sample;
  const grid = view.grid;
  const sel = view.selection;
  let largest = 0;
  for (const layer of view.layers) for (const n of layer.neurons) for (const w of n.weights) largest = Math.max(largest, Math.abs(w));
  // links first, under the nodes
  const NS = "http://www.w3.org/2000/svg";
  // Where along its curve each layer's weight labels sit: labels into one neuron must
  // not overlap (they converge at the target), nor labels out of one (at the source).
  const spacing = (column) => (positions[column].length > 1 ? positions[column][1].y - positions[column][0].y : Infinity);
  const labelAt = positions.slice(1).map((_, l) => {
    const most = 1 - 15 / spacing(l), least = 15 / spacing(l + 1);
    const share = Math.max(Math.min(0.8, most), Math.min(least, 0.8));
    let low = 0, high = 1;         // t with 3t² − 2t³ = share (the curve's vertical progress)
    for (let i = 0; i < 30; i++) { const t = (low + high) / 2; if (3 * t * t - 2 * t * t * t < share) low = t; else high = t; }
    return low;
  });
  view.layers.forEach((layer, l) => {
    layer.neurons.forEach((neuron, k) => {
      const to = positions[l + 1][k];
      neuron.weights.forEach((w, j) => {
        const from = positions[l][j];
        const x1 = from.x + size, y1 = from.y + size / 2, x2 = to.x, y2 = to.y + size / 2;
        const mid = (x1 + x2) / 2;
        const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
        const path = document.createElementNS(NS, "path");
        path.setAttribute("d", d);
        path.setAttribute("class", "link");
        const chosen = sel && sel.what === "weight" && sel.layer === l && sel.neuron === k && sel.weight === j;
        const width = Math.min(9, 0.6 + 4 * Math.abs(w) / Math.max(1, largest) * Math.min(2, largest));
        if (chosen) {   // a dark band under the chosen connection
          const band = document.createElementNS(NS, "path");
          band.setAttribute("d", d);
          band.setAttribute("class", "link selected");
          band.setAttribute("stroke", "#111");
          band.setAttribute("stroke-width", String(width + 5));
          links.appendChild(band);
        }
        path.setAttribute("stroke", w >= 0 ? css(POS) : css(NEG));
        path.setAttribute("stroke-width", String(width));
        path.setAttribute("stroke-opacity", chosen ? "1" : "0.8");
        links.appendChild(path);
        const hit = document.createElementNS(NS, "path");
        hit.setAttribute("d", d);
        hit.setAttribute("class", "link-hit");
        hit.dataset.layer = l; hit.dataset.neuron = k; hit.dataset.weight = j;
        hit.id = "link-" + l + "-" + k + "-" + j;
        const title = document.createElementNS(NS, "title");
        title.textContent = weights[l][k][j] + " = " + g9(w) + " (" + view.names[l][j] + " → " + view.names[l + 1][k] + ")";
        hit.appendChild(title);
        hit.addEventListener("click", () => select({ what: "weight", layer: l, neuron: k, weight: j }));
        links.appendChild(hit);
        if (small) {
          const t = labelAt[l];
          const bx = (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * mid + 3 * (1 - t) * t * t * mid + t ** 3 * x2;
          const by = (1 - t) ** 3 * y1 + 3 * (1 - t) ** 2 * t * y1 + 3 * (1 - t) * t * t * y2 + t ** 3 * y2;
          const label = document.createElementNS(NS, "text");
          label.setAttribute("x", bx); label.setAttribute("y", by - 3);
          label.setAttribute("class", "link-label");
          label.setAttribute("text-anchor", "middle");
          label.setAttribute("fill", w >= 0 ? css(POS) : css(NEG));
          label.textContent = weights[l][k][j] + " " + fmt(w, 3);
          links.appendChild(label);
        }
      });
    });
  });
  // nodes: inputs, then each layer
  const columns = [{ kind: "input", count: view.names[0].length }].concat(
    view.layers.map((layer, l) => ({ kind: l === view.layers.length - 1 ? "output" : "hidden", count: layer.neurons.length, layer })));
  columns.forEach((column, c) => {
    for (let k = 0; k < column.count; k++) {
      const p = positions[c][k];
      const node = document.createElement("div");
      node.className = "node " + column.kind;
      node.style.left = p.x + "px"; node.style.top = p.y + "px";
      node.style.width = size + "px"; node.style.height = size + "px";
      const canvas = document.createElement("canvas");
      node.appendChild(canvas);
      const name = document.createElement("div");
      name.className = "name";
      if (column.kind === "input") {
        name.textContent = view.reply.inputs.labels[k];
        name.title = view.names[0][k];
        node.id = "node-input-" + k;
        node.addEventListener("click", () => select({ what: "input", neuron: k }));
        if (sel && sel.what === "input" && sel.neuron === k) node.classList.add("selected");
        if (grid) {
          const values = grid.inputs[k];
          const scale = scaler("linear", values);
          paint(canvas, grid.size, (i) => diverging(scale(values[i])));
        }
      } else {
        const l = c - 1;
        const classes = view.reply.classes;
        name.textContent = view.names[c][k] + (column.kind === "output" && classes &&
          classes.length === column.count ? " " + classes[k] : "");
        node.id = "node-" + l + "-" + k;
        node.addEventListener("click", () => select({ what: "neuron", layer: l, neuron: k }));
        if (sel && sel.what === "neuron" && sel.layer === l && sel.neuron === k) node.classList.add("selected");
        if (grid && grid.neurons[l]) {
          const values = grid.neurons[l][k];
          const scale = scaler(column.layer.activation, values);
          paint(canvas, grid.size, (i) => diverging(scale(values[i])));
        }
        node.title = view.names[c][k] + ": bias " + g9(column.layer.neurons[k].bias);
      }
      node.appendChild(name);
      if (small && sample) {
        const value = document.createElement("div");
        value.className = "value";
        value.textContent = column.kind === "input" ? fmt(sample.inputs[k], 4) :
          fmt(sample.neurons[c - 1][k].out, 4) + "\nb " + fmt(column.layer.neurons[k].bias, 3);
        node.appendChild(value);
      }
      nodes.appendChild(node);
    }
  });
  // heads: each layer's activation and width controls
  const hideLayers = fixed;
  columns.forEach((column, c) => {
    const head = document.createElement("div");
    head.className = "head";
    head.style.left = (positions[c][0].x + size / 2) + "px";
    if (column.kind === "input") {
      head.innerHTML = "inputs<br>" + column.count;
    } else {
      const l = c - 1;
      const last = column.kind === "output";
      const select = document.createElement("select");
      select.id = last ? "output-activation" : "activation-" + l;
      for (const name of (last ? about.output_activations : about.hidden_activations)) {
        const option = document.createElement("option");
        option.value = option.textContent = name;
        select.appendChild(option);
      }
      select.value = column.layer.activation;
      select.disabled = hideLayers;
      select.dataset.group = "layers";
      select.addEventListener("change", () => {
        const config = readConfig();
        if (last) config.output = select.value; else config.layers[l][1] = select.value;
        run({ cmd: "configure", config }).then((reply) => { if (!reply.ok) drawNetwork(); });
      });
      const line = document.createElement("div");
      if (!last && !hideLayers) {
        const minus = document.createElement("button");
        minus.textContent = "−"; minus.title = "one neuron fewer"; minus.dataset.group = "layers";
        minus.id = "narrow-" + l;
        const plus = document.createElement("button");
        plus.textContent = "+"; plus.title = "one neuron more"; plus.dataset.group = "layers";
        plus.id = "widen-" + l;
        const resize = (delta) => {
          const config = readConfig();
          const width = config.layers[l][0] + delta;
          if (width < 1 || width > about.max_width) return;
          config.layers[l][0] = width;
          run({ cmd: "configure", config });
        };
        minus.addEventListener("click", () => resize(-1));
        plus.addEventListener("click", () => resize(1));
        line.append(minus, " " + column.count + " ", plus);
      } else {
        line.textContent = column.count + (last ? " output" + (column.count > 1 ? "s" : "") : "");
      }
      head.append(line, select);
    }
    heads.appendChild(head);
  });
  $("layer-count").textContent = view.layers.length - 1;
  $("shape").textContent = [view.names[0].length].concat(view.layers.map((l) => l.neurons.length)).join("-") +
    ", cost " + view.reply.cost + (fixed ? " — the worked example's network, fixed" : "");
  applyHidden();
}

async function select(selection) {
  const reply = await run(Object.assign({ cmd: "select" }, selection), { settle: false });
  if (reply.ok) {
    $("detail").scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

// -- the input plane ----------------------------------------------------------------------
function outputScale() {
  const reply = view.reply;
  const layer = view.layers[view.layers.length - 1];
  if (reply.kind === "classification") {
    return (values) => 2 * values[0] - 1;
  }
  if (view.config.data === "csv" && view.data) {
    let low = Infinity, high = -Infinity;
    for (const p of view.data.points) { low = Math.min(low, p[2]); high = Math.max(high, p[2]); }
    const mid = (low + high) / 2, half = (high - low) / 2 || 1;
    return (values) => (values[0] - mid) / half;
  }
  if (layer.activation === "sigmoid") return (values) => 2 * values[0] - 1;
  return (values) => values[0];
}

function drawRegions() {
  const grid = view.grid;
  if (!grid) return;
  const output = grid.neurons[grid.neurons.length - 1];
  const count = output.length;
  const canvas = $("regions");
  if (view.reply.kind === "classification" && count > 1) {
    paint(canvas, grid.size, (i) => {
      let best = 0;
      for (let k = 1; k < count; k++) if (output[k][i] > output[best][i]) best = k;
      const share = 1 / count;
      const t = Math.max(0, Math.min(1, (output[best][i] - share) / (1 - share)));
      return mix(MID, classColour(best, count), 0.25 + 0.6 * t);
    });
    return;
  }
  const scale = outputScale();
  paint(canvas, grid.size, (i) => diverging(scale([output[0][i]])));
}

function toPlane(x, y) {
  const [[x0, x1], [y0, y1]] = view.data.range;
  return [(x - x0) / (x1 - x0) * 330, (1 - (y - y0) / (y1 - y0)) * 330];
}

function drawPoints() {
  const canvas = $("points");
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!view.data) return;
  const reply = view.reply;
  const showTest = $("show-test").checked;
  const classes = reply.classes ? reply.classes.length : 0;
  let scale = null;
  if (!classes) {
    let low = Infinity, high = -Infinity;
    for (const p of view.data.points) { low = Math.min(low, p[2]); high = Math.max(high, p[2]); }
    const mid = view.config.data === "csv" ? (low + high) / 2 : 0;
    const half = view.config.data === "csv" ? ((high - low) / 2 || 1) : 1;
    scale = (v) => (v - mid) / half;
  }
  const radius = view.data.points.length > 400 ? 2.6 : 3.6;
  for (const [x, y, label, train] of view.data.points) {
    if (!train && !showTest) continue;
    const [px, py] = toPlane(x, y);
    context.beginPath();
    context.arc(px, py, radius, 0, 2 * Math.PI);
    context.fillStyle = css(classes ? classColour(label, classes) : diverging(scale(label)));
    context.fill();
    context.lineWidth = train ? 1 : 1.6;
    context.strokeStyle = train ? "#fff" : "#111";
    context.stroke();
  }
  const sample = reply.sample;
  if (sample) {
    const [px, py] = toPlane(sample.point[0], sample.point[1]);
    context.beginPath();
    context.arc(px, py, 8, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = "#111";
    context.stroke();
    context.font = "11px DejaVu Sans, sans-serif";
    context.fillStyle = "#111";
    context.fillText("#" + sample.index, px + 10, py - 6);
  }
  const axes = view.data.axes;
  const [[x0, x1], [y0, y1]] = view.data.range;
  const outs = view.names[view.names.length - 1];
  let colour;
  if (reply.kind === "classification") {
    colour = outs.length > 1 ? "the class whose output is largest (paler: less sure)" :
      "out_" + outs[0] + " (blue: class 1, above 0.5; orange: class 0)";
  } else {
    colour = "out_" + outs[0] + (outs.length > 1 ? " (the first output)" : "");
  }
  let note = "→ " + axes[0] + " from " + fmt(x0, 3) + " to " + fmt(x1, 3) + ";  ↑ " + axes[1] +
    " from " + fmt(y0, 3) + " to " + fmt(y1, 3) + ". Colour: " + colour + ".";
  if (view.config.data === "csv" && reply.inputs.columns.length > 2) {
    note += " The other inputs are held at their mean.";
  }
  if (view.config.data === "worked") {
    note = "The worked example has one sample, (i1, i2) = (0.05, 0.1), ringed. Colour: out_o1 " +
      "over the plane, i1 → and i2 ↑ from −1 to 1.";
  }
  $("plane-note").textContent = note;
}

function drawCurve() {
  const svg = $("curve");
  const width = 330, height = 130, left = 44, bottom = 18, top = 8, right = 8;
  const train = view.history.train, test = view.history.test;
  const all = train.concat(test);
  let html = "";
  if (all.length) {
    const high = Math.max(...all) || 1;
    const n = Math.max(train.length, test.length);
    const px = (i) => left + (n <= 1 ? 0 : i / (n - 1)) * (width - left - right);
    const py = (v) => top + (1 - v / high) * (height - top - bottom);
    const line = (values, colour, id) => {
      if (!values.length) return "";
      const every = Math.max(1, Math.floor(values.length / 400));
      const points = [];
      values.forEach((v, i) => { if (i % every === 0 || i === values.length - 1) points.push(px(i).toFixed(1) + "," + py(v).toFixed(1)); });
      return `<polyline id="${id}" points="${points.join(" ")}" fill="none" stroke="${colour}" stroke-width="1.6"/>`;
    };
    html += `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#999"/>`;
    html += `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#999"/>`;
    html += `<text x="${left - 4}" y="${top + 9}" font-size="10" text-anchor="end">${fmt(high, 3)}</text>`;
    html += `<text x="${left - 4}" y="${height - bottom}" font-size="10" text-anchor="end">0</text>`;
    html += `<text x="${width - right}" y="${height - 4}" font-size="10" text-anchor="end">epoch ${n}</text>`;
    html += line(train, css(POS), "curve-train") + line(test, css(NEG), "curve-test");
    html += `<text x="${left + 6}" y="${height - 4}" font-size="10" fill="${css(POS)}">training</text>`;
    if (test.length) html += `<text x="${left + 64}" y="${height - 4}" font-size="10" fill="${css(NEG)}">test</text>`;
  } else {
    html = `<text x="10" y="60" font-size="12" fill="#888">No epoch finished yet.</text>`;
  }
  svg.innerHTML = html;
}

function showScores(reply) {
  const h = view.history;
  const last = (list) => (list.length ? list[list.length - 1] : null);
  const trainError = last(h.train);
  $("train-error").textContent = fmt(trainError, 4);
  $("train-error").dataset.value = trainError === null ? "" : String(trainError);
  $("test-error").textContent = fmt(last(h.test), 4);
  const scores = reply.scores;
  const classes = reply.kind === "classification";
  for (const e of document.querySelectorAll(".class-only")) e.classList.toggle("is-hidden", !classes);
  if (scores) {
    const a = scores.train && scores.train.accuracy, b = scores.test && scores.test.accuracy;
    $("train-accuracy").textContent = a === null || a === undefined ? "–" : (100 * a).toFixed(1) + "%";
    $("test-accuracy").textContent = b === null || b === undefined ? "–" : (100 * b).toFixed(1) + "%";
    $("test-accuracy").dataset.value = b === null || b === undefined ? "" : String(b);
    $("train-accuracy").dataset.value = a === null || a === undefined ? "" : String(a);
  }
}

// -- the inspector ---------------------------------------------------------------------------
function esc(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function equationHtml(eq, key) {
  const parts = [esc(eq.symbol)].concat(eq.steps.map(esc));
  return `<div class="eq${key ? " key" : ""}" data-symbol="${esc(eq.symbol)}" data-text="${esc(eq.text)}">` +
    parts.join(" = ") + ` = <span class="value">${esc(eq.text)}</span>` +
    (eq.note ? `   <span class="remark">(${esc(eq.note)})</span>` : "") + "</div>";
}

function showInspector(reply) {
  const sample = reply.sample;
  const box = $("sample");
  if (!sample) { box.innerHTML = ""; return; }
  const names = view.names;
  const inputs = sample.inputs.map((v, j) => `${names[0][j]} = ${g9(v)}`).join(", ");
  const point = view.config.data === "worked" ? "" :
    ` at (${fmt(sample.point[0], 4)}, ${fmt(sample.point[1], 4)})`;
  const classes = reply.classes;
  const label = classes ? ` — class <b>${esc(classes[sample.point[2]])}</b>` : "";
  const outs = names[names.length - 1];
  const errors = sample.errors.slice(0, -1).map((eq) => equationHtml(eq, false)).join("");
  const total = sample.errors[sample.errors.length - 1];
  box.innerHTML =
    `<div>Sample <b id="sample-index">#${sample.index}</b> of the training set${point}${label}` +
    ` <span class="note">(sample ${reply.cursor + 1} of ${reply.epoch_size} in epoch ${reply.epoch + 1})</span></div>` +
    `<div id="outputs" data-values="${sample.outputs_text.join(",")}">inputs ${inputs} → outputs ` +
    `${sample.outputs.map((o, k) => "out_" + outs[k] + " = " + g9(o)).join(", ")}; targets ` +
    `${sample.targets.map((t, k) => "t_" + outs[k] + " = " + g9(t)).join(", ")}</div>` +
    `<div class="equations">${errors}<div class="eq total">${esc(total.symbol)} = ` +
    `${total.steps.map(esc).join(" = ")} = <span class="big" id="e-total" data-value="${sample.error.value}">` +
    `${esc(sample.error.text)}</span></div></div>`;
  const last = reply.last_step;
  $("last-step").innerHTML = last ? `Last step, on sample #${last.index}: E ${g9(last.before)} → ${g9(last.after)}` : "";
  showDetail(reply.detail);
}

function showDetail(detail) {
  const box = $("detail");
  if (!detail) {
    box.innerHTML = `<p class="note">Click a neuron or a connection in the network to see its partials
      and its chain rule with this sample's numbers; type a new weight or bias to see everything update.</p>`;
    return;
  }
  if (detail.what === "input") {
    box.innerHTML = `<h3>Input ${esc(detail.name)}: ${esc(detail.label)}</h3>` +
      `<div class="eq key">${esc(detail.name)} = ${esc(detail.text)}</div>` +
      (detail.standardized ? `<p class="note">standardized: (x − mean)/sd over the training rows</p>` : "");
    return;
  }
  if (detail.what === "weight") {
    box.innerHTML = `<h3>Weight ${esc(detail.name)}: ${esc(detail.from)} → ${esc(detail.to)}</h3>` +
      `<p class="note">The chain rule for ∂E/∂${esc(detail.name)} on this sample, as net.explain writes it:</p>` +
      `<div class="equations" id="chain">${detail.equations.map((eq) => equationHtml(eq, eq.kind === "weight")).join("")}</div>` +
      `<div class="edit">${esc(detail.name)} = <input id="edit-value" value="${esc(detail.value_text)}"> <button id="edit-set">Set</button></div>`;
  } else {
    const v = detail.values;
    box.innerHTML = `<h3>Neuron ${esc(detail.name)} (${esc(detail.activation)})</h3>` +
      `<table class="values"><tr><th>net</th><th>out</th><th>∂E/∂out</th><th>δ = ∂E/∂net</th><th>∂E/∂b</th></tr>` +
      `<tr><td id="v-net">${g9(v.net)}</td><td id="v-out">${g9(v.out)}</td><td id="v-pd">${g9(v.pd)}</td>` +
      `<td id="v-delta">${g9(v.delta)}</td><td>${g9(v.bias_gradient)}</td></tr></table>` +
      `<div class="equations">${detail.equations.map((eq) => equationHtml(eq, eq.kind === "delta")).join("")}</div>` +
      `<div class="edit">b_${esc(detail.name)} = <input id="edit-value" value="${esc(detail.bias_text)}"> <button id="edit-set">Set</button>` +
      (view.config.train_biases ? "" : ` <span class="note">(biases are fixed: training leaves them)</span>`) + `</div>`;
  }
  const apply = () => {
    const value = $("edit-value").value;
    const request = detail.what === "weight" ?
      { cmd: "set_weight", layer: detail.layer, neuron: detail.neuron, weight: detail.weight, value } :
      { cmd: "set_bias", layer: detail.layer, neuron: detail.neuron, value };
    run(request);
  };
  $("edit-set").addEventListener("click", apply);
  $("edit-value").addEventListener("keydown", (event) => { if (event.key === "Enter") apply(); });
}

async function refreshExplain() {
  const box = $("explain-box");
  if (!box.open || !view.reply) return;
  if (!view.reply.explain_ok) {
    $("explain-text").textContent = "This network has more weights than explain writes out (300).";
    return;
  }
  const reply = await ask({ cmd: "explain" });
  $("explain-text").textContent = reply.ok ? reply.text : reply.error;
}

// -- export -----------------------------------------------------------------------------------
async function download(format) {
  const reply = await ask({ cmd: "export", format });
  if (!reply.ok) { setStatus("error", reply.error); return; }
  const blob = new Blob([reply.text], { type: reply.mime });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = reply.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  setStatus("ready", "Downloaded " + reply.filename + ".");
}

// -- the address: the whole state ---------------------------------------------------------------
const LIST_KEYS = new Set(["features", "axes"]);
const BOOL_KEYS = new Set(["train_biases", "standardize"]);

function encodeState(config, weights, hide) {
  const parts = [];
  for (const [key, value] of Object.entries(config)) {
    let text;
    if (key === "layers") text = value.map(([w, a]) => w + ":" + a).join(",");
    else if (LIST_KEYS.has(key)) text = value.join(",");
    else if (BOOL_KEYS.has(key)) text = value ? "1" : "0";
    else if (value === null) text = "";
    else text = String(value);
    parts.push(key + "=" + encodeURIComponent(text).replace(/%2C/g, ",").replace(/%3A/g, ":"));
  }
  if (weights) parts.push("weights=" + weights.join(","));
  if (hide.size) parts.push("hide=" + [...hide].join(","));
  return "#" + parts.join("&");
}

function decodeState(hash) {
  const config = {};
  let weights = null, hide = new Set();
  for (const part of hash.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = decodeURIComponent(at < 0 ? part : part.slice(0, at));
    const text = at < 0 ? "" : decodeURIComponent(part.slice(at + 1));
    if (key === "weights") weights = text.split(",");
    else if (key === "hide") hide = new Set(text.split(",").filter(Boolean));
    else if (key === "layers") config.layers = text ? text.split(",").map((s) => { const [w, a] = s.split(":"); return [Number(w), a]; }) : [];
    else if (key === "axes") config.axes = text.split(",").map(Number);
    else if (key === "features") config.features = text.split(",").filter(Boolean);
    else if (BOOL_KEYS.has(key)) config[key] = text === "1" || text === "true";
    else if (key === "target") config.target = text === "" ? null : Number(text);
    else if (NUMERIC.has(key)) config[key] = Number(text);
    else config[key] = text;
  }
  return { config, weights, hide };
}

async function afterChange() {
  if (running || !view.config) return;
  const reply = await ask({ cmd: "state" });
  if (!reply.ok) return;
  const teacher = new Set([...document.querySelectorAll("#hide-boxes input:checked")].map((b) => b.value));
  const hash = encodeState(reply.config, reply.config.data === "csv" ? null : reply.weights, hidden);
  history.replaceState(null, "", hash);
  const shared = encodeState(reply.config, reply.config.data === "csv" ? null : reply.weights, teacher);
  $("share-url").value = location.href.split("#")[0] + shared;
}

function applyHidden() {
  document.querySelector("main").classList.toggle("without-data", hidden.has("data"));
  for (const element of document.querySelectorAll("[data-group]")) {
    element.classList.toggle("teacher-hidden", hidden.has(element.dataset.group));
  }
}

// -- start ---------------------------------------------------------------------------------------
async function ready(info) {
  about = info;
  const data = $("data");
  for (const [name, label] of info.datasets) {
    const option = document.createElement("option");
    option.value = name; option.textContent = label;
    data.appendChild(option);
  }
  const features = $("features");
  for (const [name, label] of info.features) {
    const box = document.createElement("label");
    box.className = "check";
    box.innerHTML = `<input type="checkbox" value="${name}" id="feature-${name}"> ${label}`;
    box.querySelector("input").addEventListener("change", changed);
    features.appendChild(box);
  }
  const boxes = $("hide-boxes");
  for (const [group, label] of GROUPS) {
    const box = document.createElement("label");
    box.className = "check";
    box.innerHTML = `<input type="checkbox" value="${group}"> hide ${label}`;
    box.querySelector("input").addEventListener("change", afterChange);
    boxes.appendChild(box);
  }
  for (const format of ["c", "javascript"]) {
    const button = $("export-" + format);
    button.disabled = !info.exports.includes(format);
    if (button.disabled) button.title = "Not in this neuronsim yet";
  }
  $("about").innerHTML = `neuronsim ${esc(info.neuronsim)} running on ${esc(info.python)} ` +
    `(WebAssembly, in a Web Worker; loaded in ${info.load_ms} ms). ` +
    `<a href="micropython/LICENSE">MicroPython's licence</a>.`;
  wire();
  const state = decodeState(location.hash);
  hidden = state.hide;
  for (const box of document.querySelectorAll("#hide-boxes input")) box.checked = hidden.has(box.value);
  applyHidden();
  let config = Object.assign({}, info.defaults, { data: "worked" }, state.config);
  let weights = state.weights;
  let note = null;
  if (config.data === "csv") {
    note = "This link was made with a CSV file, which links cannot carry: load the file to go on.";
    config.data = "xor"; weights = null;
  }
  if (!location.hash) config = suggest(config);
  let reply = await run({ cmd: "init", config, weights }, { settle: false });
  if (!reply.ok) {
    note = "The link's state was refused (" + reply.error + "); showing the defaults.";
    reply = await run({ cmd: "init", config: suggest(Object.assign({}, info.defaults, { data: "worked" })) }, { settle: false });
  }
  if (config.data === "worked" && !state.config.data) $("explain-box").open = true;
  if (note) setStatus("warning", note);
  document.body.dataset.ready = "1";
  afterChange();
  refreshExplain();
}

window.addEventListener("resize", () => { if (view.reply) drawNetwork(); });
window.neuronsimPlayground = { view, ask, run, encodeState, decodeState };
