// neuronlab playground: the page. It draws what the server sends and sends what the user
// changes; all training happens in Python on neuronlab. No libraries, nothing from the network.
"use strict";

const I18N = {
  en: {
    playground: "playground", reset: "Reset (r)", step: "One step (s)", epoch: "Epoch", iteration: "Iteration",
    export: "Export", import: "Import", language: "Language", data: "Data", optimizer: "Training",
    upload: "Your CSV (x1,x2,label)", network: "Network", addLayer: "+ layer", removeLayer: "− layer",
    explainHint: "Click a weight (line) or a unit (its bias) to see its gradient worked out by explain_backward.",
    output: "Output", testLoss: "Test loss", trainLoss: "Training loss", showTest: "Show test data",
    landscape: "Loss landscape", shareUrl: "Shareable URL", configJson: "Configuration (JSON)",
    script: "Script (runs with neuronlab; add --torch to run it with PyTorch)", downloadScript: "Download script",
    downloadJson: "Download JSON", close: "Close", pasteJson: "Paste a configuration (JSON)",
    orFile: "or open a .json file", apply: "Apply", layers: "hidden layers", units: "units",
    diverged: "The loss is not finite: training diverged. Lower the learning rate and reset.",
    mistakes: "mistakes", bound: "Novikoff bound (R/γ)²", converged: "converged: an epoch without mistakes",
    notConverged: "not converged yet", noBound: "no bound",
    landscapeCaption: "training loss on θ + α·d₁ + β·d₂, α, β ∈ [−1, 1] (filter-normalized directions); centre = now",
    disconnected: "Connection to the server lost. Is `neuronlab playground` still running? Reload the page.",
  },
  zh: {
    playground: "游乐场", reset: "重置 (r)", step: "单步 (s)", epoch: "轮次", iteration: "迭代",
    export: "导出", import: "导入", language: "语言", data: "数据", optimizer: "训练",
    upload: "上传 CSV (x1,x2,label)", network: "网络", addLayer: "+ 层", removeLayer: "− 层",
    explainHint: "点击一个权重(连线)或一个神经元(其偏置),用 explain_backward 查看其梯度的逐步计算。",
    output: "输出", testLoss: "测试损失", trainLoss: "训练损失", showTest: "显示测试数据",
    landscape: "损失曲面", shareUrl: "分享链接", configJson: "配置 (JSON)",
    script: "脚本 (用 neuronlab 运行;加 --torch 用 PyTorch 运行)", downloadScript: "下载脚本",
    downloadJson: "下载 JSON", close: "关闭", pasteJson: "粘贴配置 (JSON)", orFile: "或打开 .json 文件",
    apply: "应用", layers: "个隐藏层", units: "个神经元",
    diverged: "损失不再有限:训练发散。请降低学习率并重置。",
    mistakes: "错误次数", bound: "Novikoff 上界 (R/γ)²", converged: "已收敛:一轮无错误", notConverged: "尚未收敛",
    noBound: "无上界",
    landscapeCaption: "训练损失 θ + α·d₁ + β·d₂,α, β ∈ [−1, 1](滤波器归一化方向);中心为当前权重",
    disconnected: "与服务器的连接已断开。请确认 `neuronlab playground` 仍在运行并刷新页面。",
  },
};
const FEATURE_NAMES = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂", sinx1: "sin x₁", sinx2: "sin x₂" };
const CLASS_COLORS = ["#f59322", "#0877bd", "#3ca046", "#9650be", "#d2323c", "#00a0a0"];
const FRAME_SECONDS = 0.06; // training time per drawn frame: about 15 frames per second

const $ = (id) => document.getElementById(id);
const state = {
  schema: [], lang: "en", config: null, data: null, frame: null, history: [], playing: false,
  ws: null, nextId: 1, pending: new Map(), lastExport: null,
};

// -- talking to the server: one WebSocket per tab, requests answered by id -------------------
function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("websocket"));
    ws.onclose = () => { stop(); showError(t("disconnected")); };
    ws.onmessage = (event) => {
      const reply = JSON.parse(event.data);
      const waiter = state.pending.get(reply.id);
      state.pending.delete(reply.id);
      if (reply.error) { showError(reply.error); if (waiter) waiter.resolve(false); return; }
      clearError();
      for (const message of reply.messages) receive(message);
      if (waiter) waiter.resolve(true);
    };
  });
}

function request(message) {
  const id = state.nextId++;
  return new Promise((resolve) => {
    state.pending.set(id, { resolve });
    state.ws.send(JSON.stringify({ ...message, id }));
  });
}

function receive(m) {
  if (m.type === "config") applyConfig(m.config, m.query);
  else if (m.type === "data") { state.data = m; state.history = []; buildDiagram(); }
  else if (m.type === "frame") drawFrame(m);
  else if (m.type === "export") showExport(m);
  else if (m.type === "explain") showExplain(m);
  else if (m.type === "landscape") showLandscape(m);
}

function showError(text) { const e = $("error"); e.textContent = text; e.hidden = false; }
function clearError() { $("error").hidden = true; $("error").textContent = ""; }
function t(key) { return (I18N[state.lang] || I18N.en)[key] || I18N.en[key] || key; }

// -- controls, built from the server's table (/api/schema) -----------------------------------
function buildControls() {
  for (const c of state.schema) {
    if (c.kind === "ints") continue; // the hidden layers: the diagram's buttons
    if (c.kind === "names") { buildFeatures(c); continue; }
    const box = $(`controls-${c.group}`);
    const id = `control-${c.name}`;
    const label = document.createElement("label");
    label.htmlFor = id; label.dataset.control = c.name;
    let input;
    if (c.kind === "choice") {
      input = document.createElement("select");
      for (const v of c.choices) input.add(new Option(v, v));
    } else if (c.kind === "bool") {
      input = document.createElement("input"); input.type = "checkbox";
    } else {
      input = document.createElement("input"); input.type = "number";
      input.min = c.low; input.max = c.high; input.step = c.kind === "int" ? "1" : "any";
    }
    input.id = id; input.dataset.control = c.name; input.dataset.testid = `control-${c.name}`;
    input.setAttribute("data-testid", `control-${c.name}`);
    if (c.help) input.title = c.help;
    input.addEventListener("change", () => sendSetting(c, input));
    box.append(label, input);
  }
}

function buildFeatures(c) {
  const box = $("controls-features");
  for (const name of c.choices) {
    const label = document.createElement("label");
    const box1 = document.createElement("input");
    box1.type = "checkbox"; box1.value = name; box1.setAttribute("data-testid", `feature-${name}`);
    box1.addEventListener("change", () => {
      const chosen = [...box.querySelectorAll("input:checked")].map((i) => i.value);
      configure({ features: chosen });
    });
    label.append(box1, document.createTextNode(FEATURE_NAMES[name] || name));
    box.append(label);
  }
}

function sendSetting(c, input) {
  let value;
  if (c.kind === "bool") value = input.checked;
  else if (c.kind === "choice") value = input.value;
  else value = input.value.trim() === "" ? input.value : Number(input.value);
  const change = { [c.name]: value };
  // Changing the problem type picks a data set of that type, as TF Playground does.
  if (c.name === "problem") change.dataset = value === "regression" ? "plane" : "circle";
  configure(change);
}

async function configure(change) {
  const ok = await request({ type: "config", config: change });
  if (!ok) applyConfig(state.config, null); // put the controls back to what the server has
}

function applyConfig(config, query) {
  state.config = config;
  for (const c of state.schema) {
    const input = document.querySelector(`[data-control="${c.name}"]:not(label)`);
    const label = document.querySelector(`label[data-control="${c.name}"]`);
    if (label) label.textContent = state.lang === "zh" ? c.label_zh : c.label;
    if (input) {
      if (c.kind === "bool") input.checked = config[c.name];
      else input.value = config[c.name];
      const shown = Object.entries(c.show_if || {}).every(([k, vs]) => vs.includes(config[k]));
      input.hidden = !shown; if (label) label.hidden = !shown;
    }
  }
  for (const box of $("controls-features").querySelectorAll("input")) box.checked = config.features.includes(box.value);
  const network = config.mode === "network";
  for (const id of ["controls-features", "add-layer", "remove-layer", "layer-count"]) $(id).hidden = !network;
  $("layer-count").textContent = `${config.hidden.length} ${t("layers")}`;
  if (query) history.replaceState(null, "", "#" + new URLSearchParams(query).toString());
}

function setLanguage(lang) {
  state.lang = I18N[lang] ? lang : "en";
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  $("lang").value = state.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  if (state.config) applyConfig(state.config, null);
  if (state.frame) drawFrame(state.frame, true);
}

// -- training: play / pause / step / reset -----------------------------------------------------
async function play() {
  state.playing = true; updatePlay();
  while (state.playing) {
    const perceptron = state.config.mode === "perceptron";
    const ok = await request(perceptron ? { type: "step", steps: 1 } : { type: "step", steps: 1000, seconds: FRAME_SECONDS });
    if (!ok || (state.frame && (state.frame.diverged || (state.frame.perceptron || {}).converged))) break;
    await new Promise((r) => setTimeout(r, perceptron ? 250 : 0));
  }
  stop();
}
function stop() { state.playing = false; updatePlay(); }
function updatePlay() {
  const b = $("play");
  b.textContent = state.playing ? "❚❚" : "▶";
  b.setAttribute("aria-pressed", String(state.playing));
  b.setAttribute("aria-label", state.playing ? "Pause" : "Play");
}
function togglePlay() { if (state.playing) stop(); else play(); }
async function reset() { stop(); await request({ type: "reset" }); }
async function step() { stop(); await request({ type: "step", steps: 1 }); }

// -- drawing ----------------------------------------------------------------------------------
function bytes(b64) { const s = atob(b64); const a = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i); return a; }

function divergingRGBA(gray) { // bytes 0…255 for −1…1 → orange-white-blue, as render.py
  const out = new Uint8ClampedArray(gray.length * 4);
  const O = [245, 147, 34], W = [250, 250, 250], B = [8, 119, 189];
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i] / 127.5 - 1, end = v < 0 ? O : B, s = Math.abs(v);
    for (let k = 0; k < 3; k++) out[4 * i + k] = W[k] + (end[k] - W[k]) * s;
    out[4 * i + 3] = 255;
  }
  return out;
}

function paint(canvas, rgba, size) {
  const small = document.createElement("canvas"); small.width = size; small.height = size;
  small.getContext("2d").putImageData(new ImageData(rgba, size, size), 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function pointColor(y) {
  if (state.data.problem === "regression") {
    const v = Math.max(-1, Math.min(1, y)); const g = divergingRGBA([Math.round((v + 1) * 127.5)]);
    return `rgb(${g[0]},${g[1]},${g[2]})`;
  }
  if (state.data.n_classes === 2) return CLASS_COLORS[y];
  return CLASS_COLORS[y % CLASS_COLORS.length];
}

function drawPoints(ctx, w, h) {
  const [x0, x1, y0, y1] = state.data.extent;
  const sets = [[state.data.train, "#fff"]];
  if ($("show-test").checked) sets.push([state.data.test, "#000"]);
  for (const [set, stroke] of sets) {
    for (let i = 0; i < set.y.length; i++) {
      const px = ((set.x[i][0] - x0) / (x1 - x0)) * w, py = (1 - (set.x[i][1] - y0) / (y1 - y0)) * h;
      ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fillStyle = pointColor(set.y[i]); ctx.fill(); ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke();
    }
  }
}

function fmt(v) { return v === null || v === undefined ? "NaN" : v.toFixed(3); }

function drawFrame(f, redrawOnly) {
  state.frame = f;
  if (!redrawOnly) {
    if (state.history.length && f.step < state.history[state.history.length - 1][0]) state.history = [];
    state.history.push([f.step, f.train_loss, f.test_loss]);
  }
  $("loss").textContent = fmt(f.train_loss);
  $("test-loss").textContent = fmt(f.test_loss);
  $("epoch").textContent = f.epoch; $("iteration").textContent = f.step;
  const canvas = $("boundary");
  paint(canvas, new Uint8ClampedArray(bytes(f.boundary).buffer), state.data.grid);
  drawPoints(canvas.getContext("2d"), canvas.width, canvas.height);
  canvas.dataset.step = f.step;
  drawChart();
  drawUnits(f);
  drawPerceptron(f.perceptron);
  if (f.diverged) showError(t("diverged"));
}

function drawChart() {
  const c = $("chart"), ctx = c.getContext("2d"), h = state.history;
  ctx.clearRect(0, 0, c.width, c.height);
  const values = h.flatMap((r) => [r[1], r[2]]).filter((v) => v !== null && isFinite(v));
  if (h.length < 2 || !values.length) return;
  const top = Math.max(...values) * 1.05 || 1, last = h[h.length - 1][0] || 1;
  for (const [k, color] of [[1, "#333"], [2, "#0877bd"]]) {
    ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 1.5;
    h.forEach((r, i) => { if (r[k] === null) return; const x = (r[0] / last) * c.width, y = c.height - (r[k] / top) * c.height;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y); });
    ctx.stroke();
  }
}

// -- the network diagram: features, hidden units (their outputs as small maps), weights -----
const NODE = 40, COLUMN = 110, ROW = 52, LEFT = 60, TOP = 8;

function nodePos(layer, k) { return [LEFT + layer * COLUMN, TOP + k * ROW]; }

function buildDiagram() {
  const d = state.data, box = $("diagram");
  box.innerHTML = "";
  $("explain").hidden = true;
  if (d.mode !== "network") { box.style.height = "0px"; return; }
  const layers = d.layers, rows = Math.max(...layers);
  const width = LEFT + (layers.length - 1) * COLUMN + NODE + 10, height = TOP + rows * ROW + 30;
  box.style.height = `${height}px`;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", width); svg.setAttribute("height", height);
  box.append(svg);
  for (let l = 0; l + 1 < layers.length; l++) {
    for (let i = 0; i < layers[l + 1]; i++) {
      for (let j = 0; j < layers[l]; j++) {
        const [ax, ay] = nodePos(l, j), [bx, by] = nodePos(l + 1, i);
        const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
        line.setAttribute("x1", ax + NODE); line.setAttribute("y1", ay + NODE / 2);
        line.setAttribute("x2", bx); line.setAttribute("y2", by + NODE / 2);
        line.setAttribute("tabindex", "0"); line.setAttribute("role", "button");
        line.dataset.layer = l; line.dataset.row = i; line.dataset.col = j;
        line.setAttribute("data-testid", `weight-${l}-${i}-${j}`);
        const activate = () => request({ type: "explain", layer: l, row: i, col: j });
        line.addEventListener("click", activate);
        line.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
        svg.append(line);
      }
    }
  }
  layers.forEach((n, l) => {
    for (let k = 0; k < n; k++) {
      const [x, y] = nodePos(l, k);
      const node = document.createElement(l === 0 ? "div" : "button");
      node.className = "node"; node.style.left = `${x}px`; node.style.top = `${y}px`;
      const canvas = document.createElement("canvas"); canvas.width = d.grid / 2; canvas.height = d.grid / 2;
      node.append(canvas);
      if (l === 0) {
        const name = document.createElement("span"); name.className = "name";
        name.textContent = FEATURE_NAMES[d.features[k]] || d.features[k]; node.append(name);
        if (d.feature_maps[k]) paint(canvas, divergingRGBA(bytes(d.feature_maps[k])), d.grid / 2);
      } else {
        node.type = "button"; node.dataset.layer = l; node.dataset.unit = k;
        node.setAttribute("aria-label", `layer ${l} unit ${k + 1}: explain its bias gradient`);
        node.addEventListener("click", () => request({ type: "explain", layer: l - 1, row: k, col: -1 }));
      }
      box.append(node);
    }
    if (l > 0 && l < layers.length - 1) { // + / − units of this hidden layer
      const [x] = nodePos(l, 0);
      const ctl = document.createElement("div"); ctl.className = "unit-buttons";
      ctl.style.left = `${x - 4}px`; ctl.style.top = `${TOP + rows * ROW}px`;
      for (const [text, delta] of [["+", 1], ["−", -1]]) {
        const b = document.createElement("button"); b.type = "button"; b.textContent = text;
        b.setAttribute("aria-label", `${delta > 0 ? "add a unit to" : "remove a unit from"} hidden layer ${l}`);
        b.setAttribute("data-testid", `units-${l}-${delta > 0 ? "add" : "remove"}`);
        b.addEventListener("click", () => changeUnits(l - 1, delta));
        ctl.append(b);
      }
      box.append(ctl);
    }
  });
}

function drawUnits(f) {
  const box = $("diagram");
  if (!f.units.length && !f.weights.length) return;
  f.units.forEach((maps, l) => maps.forEach((b64, k) => {
    const node = box.querySelector(`button.node[data-layer="${l + 1}"][data-unit="${k}"] canvas`);
    if (node) paint(node, divergingRGBA(bytes(b64)), state.data.grid / 2);
  }));
  const out = box.querySelector(`button.node[data-layer="${state.data.layers.length - 1}"] canvas`);
  if (out) { const c = $("boundary"); out.getContext("2d").drawImage(c, 0, 0, out.width, out.height); }
  for (const line of box.querySelectorAll("line")) {
    const w = f.weights[line.dataset.layer][line.dataset.row][line.dataset.col];
    line.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
    line.setAttribute("stroke-width", Math.min(0.5 + Math.abs(w) * 2, 8).toFixed(2));
    line.setAttribute("stroke-opacity", "0.75");
    line.setAttribute("aria-label", `weight layer ${+line.dataset.layer + 1} from ${+line.dataset.col + 1} to ${+line.dataset.row + 1}: ${w}`);
  }
}

function changeUnits(layer, delta) {
  const hidden = [...state.config.hidden];
  hidden[layer] = Math.max(1, Math.min(8, hidden[layer] + delta));
  configure({ hidden });
}
function changeLayers(delta) {
  const hidden = [...state.config.hidden];
  if (delta > 0 && hidden.length < 6) hidden.push(2);
  if (delta < 0 && hidden.length > 0) hidden.pop();
  configure({ hidden });
}

function drawPerceptron(p) {
  const box = $("perceptron");
  box.hidden = !p;
  if (!p) return;
  const bound = p.bound === null ? `${t("noBound")} (${p.bound_note})` : p.bound;
  box.textContent = `${t("mistakes")}: ${p.mistakes} · ${t("bound")}: ${bound} · ` +
    `${p.converged ? t("converged") : t("notConverged")}` +
    (p.mistakes_per_epoch.length ? `\n[${p.mistakes_per_epoch.join(", ")}]` : "");
}

function showExplain(m) {
  $("explain").hidden = false;
  $("explain-title").textContent = m.title;
  $("explain-chain").textContent = `${m.chain}   (explain_backward: ${m.gradient.toPrecision(6)})`;
  $("explain-text").textContent = m.text;
}

function showLandscape(m) {
  $("landscape").hidden = false;
  paint($("landscape-canvas"), new Uint8ClampedArray(bytes(m.image).buffer), m.size);
  const ctx = $("landscape-canvas").getContext("2d");
  ctx.strokeStyle = "#fff"; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(100, 100, 4, 0, 2 * Math.PI); ctx.stroke();
  $("landscape-caption").textContent = `${t("landscapeCaption")}. min ${m.min.toFixed(3)}, max ${m.max.toFixed(3)}, now ${m.centre.toFixed(3)}`;
}

// -- export / import / CSV ------------------------------------------------------------------------
function showExport(m) {
  state.lastExport = m;
  $("share-url").value = `${location.origin}/#${new URLSearchParams(m.query).toString()}`;
  $("export-json").value = JSON.stringify(m.config, null, 2);
  $("export-script").value = m.script;
  $("export-dialog").showModal();
}

function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name; a.click(); setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function importJson() {
  let config;
  try { config = JSON.parse($("import-json").value); } catch (e) { showError(`not valid JSON: ${e.message}`); return; }
  stop();
  if (await request({ type: "config", config })) $("import-dialog").close();
}

function readFile(input, then) {
  const file = input.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => then(String(reader.result));
  reader.readAsText(file);
  input.value = "";
}

// -- start -----------------------------------------------------------------------------------------
function bind() {
  $("play").addEventListener("click", togglePlay);
  $("reset").addEventListener("click", reset);
  $("step").addEventListener("click", step);
  $("add-layer").addEventListener("click", () => changeLayers(1));
  $("remove-layer").addEventListener("click", () => changeLayers(-1));
  $("show-test").addEventListener("change", () => state.frame && drawFrame(state.frame, true));
  $("lang").addEventListener("change", () => setLanguage($("lang").value));
  $("export").addEventListener("click", () => request({ type: "export" }));
  $("import").addEventListener("click", () => $("import-dialog").showModal());
  $("import-apply").addEventListener("click", importJson);
  $("import-file").addEventListener("change", () => readFile($("import-file"), (text) => { $("import-json").value = text; }));
  $("csv").addEventListener("change", () => readFile($("csv"), (text) => { stop(); request({ type: "csv", text }); }));
  $("landscape-button").addEventListener("click", () => request({ type: "landscape" }));
  $("download-script").addEventListener("click", () => download("playground.py", state.lastExport.script, "text/x-python"));
  $("download-json").addEventListener("click", () => download("playground.json", JSON.stringify(state.lastExport.config, null, 2), "application/json"));
  for (const b of document.querySelectorAll("dialog .close")) b.addEventListener("click", () => b.closest("dialog").close());
  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest("input, select, textarea, button, dialog, line");
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " ") { e.preventDefault(); togglePlay(); } else if (e.key === "s") step(); else if (e.key === "r") reset();
  });
}

async function main() {
  const schema = await (await fetch("/api/schema")).json();
  state.schema = schema.controls;
  buildControls();
  bind();
  const params = new URLSearchParams(location.search);
  setLanguage(params.get("lang") || schema.lang);
  state.ws = await connect();
  const query = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
  if (!Object.keys(query).length || !(await request({ type: "query", query }))) await request({ type: "hello" });
  document.body.dataset.ready = "true";
}

main().catch((e) => showError(String(e)));
