// pflow explorer: plain JavaScript and SVG, no library, nothing from the
// network but the pflow server's own JSON API.
"use strict";

const FLOWS = ["ngf", "igr", "bea3", "bea4", "pf", "pf+np", "pf-re"];
const COLORS = { gd: "#000000", ngf: "#1e88e5", igr: "#43a047", bea3: "#fb8c00", bea4: "#8e24aa", pf: "#e53935", "pf+np": "#00897b", "pf-re": "#6d4c41" };
const SVGNS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

const state = {
  problem: "quadratic2d", expr: "", x0: null, lr: null, steps: 20, flows: ["pf", "igr"], imag: false,
  meta: null, edge: null, docs: {}, land: null, win: null, run: 0, seq: 0,
};

// ---------- API ----------

class APIError extends Error {
  constructor(status, doc) { super(doc && doc.error ? doc.error : "HTTP " + status); this.status = status; this.field = doc && doc.field; }
}

async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const r = await fetch("/api/" + path + "?" + q.toString());
  const text = await r.text();
  let doc = null;
  try { doc = JSON.parse(text); } catch (e) { doc = null; }
  if (!r.ok) throw new APIError(r.status, doc);
  const warn = r.headers.get("Pflow-Warnings");
  return { doc, text, warnings: warn ? JSON.parse(warn) : [], exit: +(r.headers.get("Pflow-Exit-Status") || 0) };
}

function spec() { return state.expr.trim() !== "" ? "expr:" + state.expr.trim() : state.problem; }
function fmt(x, d = 6) { return x === null || x === undefined ? "null" : (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5) || x === 0 ? String(+x.toPrecision(d)) : x.toExponential(d - 2); }

// ---------- URL state ----------

function readURL() {
  const q = new URLSearchParams(location.search);
  if (q.has("problem")) state.problem = q.get("problem");
  if (q.has("expr")) state.expr = q.get("expr");
  if (q.has("x0")) state.x0 = q.get("x0").split(",").map(Number);
  if (q.has("lr")) state.lr = Number(q.get("lr"));
  if (q.has("steps")) state.steps = Math.max(1, Math.min(10000, parseInt(q.get("steps"), 10) || 20));
  if (q.has("flows")) state.flows = q.get("flows").split(",").filter((f) => FLOWS.includes(f));
  if (q.has("im")) state.imag = q.get("im") === "1";
}

function writeURL() {
  const q = new URLSearchParams();
  q.set("problem", state.problem);
  if (state.expr.trim()) q.set("expr", state.expr.trim());
  if (state.x0) q.set("x0", state.x0.join(","));
  if (state.lr) q.set("lr", String(state.lr));
  q.set("steps", String(state.steps));
  q.set("flows", state.flows.join(","));
  if (state.imag) q.set("im", "1");
  history.replaceState(null, "", "?" + q.toString());
}

// ---------- controls ----------

function lrRange() {
  const e = state.edge && isFinite(state.edge) && state.edge > 0 ? state.edge : 1;
  let lo = e / 100, hi = e * 2;
  if (state.lr) { lo = Math.min(lo, state.lr); hi = Math.max(hi, state.lr); }
  return [lo, hi];
}
function sliderToLr(s) { const [lo, hi] = lrRange(); return +(lo * Math.pow(hi / lo, s / 1000)).toPrecision(4); }
function lrToSlider(h) { const [lo, hi] = lrRange(); return Math.round(1000 * Math.log(h / lo) / Math.log(hi / lo)); }

function syncControls() {
  $("problem").value = state.expr.trim() ? "" : state.problem;
  $("expr").value = state.expr;
  $("x0").value = state.x0 ? state.x0.join(",") : "";
  $("lrnum").value = state.lr ? String(state.lr) : "";
  if (state.lr) $("lr").value = lrToSlider(state.lr);
  $("steps").value = state.steps;
  $("imag").checked = state.imag;
  for (const f of FLOWS) $("flow-" + f).checked = state.flows.includes(f);
  const mark = $("edge-mark"), label = $("edge-label");
  if (state.edge && isFinite(state.edge) && state.edge > 0) {
    const frac = lrToSlider(state.edge) / 1000;
    const w = $("lrbox").clientWidth;
    mark.style.left = (8 + frac * (w - 16)) + "px";
    label.style.left = (8 + frac * (w - 16)) + "px";
    label.textContent = "2/λmax = " + fmt(state.edge, 4);
    mark.title = label.textContent + " at θ₀";
    mark.classList.remove("hidden"); label.classList.remove("hidden");
  } else {
    mark.classList.add("hidden"); label.classList.add("hidden");
  }
}

function buildControls(catalogue) {
  const sel = $("problem");
  const ex = document.createElement("option");
  ex.value = ""; ex.textContent = "(the expression)"; ex.disabled = true;
  sel.appendChild(ex);
  for (const p of catalogue) {
    if (p.dim > 2) continue;
    const o = document.createElement("option");
    o.value = p.spec; o.textContent = p.spec + " (d=" + p.dim + ")";
    sel.appendChild(o);
  }
  const fl = $("flows");
  for (const f of FLOWS) {
    const l = document.createElement("label");
    l.style.color = COLORS[f];
    l.innerHTML = '<input type="checkbox" id="flow-' + f + '"> ' + f;
    fl.appendChild(l);
    l.firstChild.addEventListener("change", () => { state.flows = FLOWS.filter((g) => $("flow-" + g).checked); update(false); });
  }
  sel.addEventListener("change", () => { state.problem = sel.value; state.expr = ""; state.x0 = null; state.lr = null; update(true); });
  $("expr").addEventListener("change", () => { state.expr = $("expr").value; state.lr = null; update(true); });
  $("x0").addEventListener("change", () => { state.x0 = $("x0").value.split(",").map(Number); update(true); });
  $("lr").addEventListener("input", () => { state.lr = sliderToLr(+$("lr").value); $("lrnum").value = String(state.lr); });
  $("lr").addEventListener("change", () => { state.lr = sliderToLr(+$("lr").value); update(false); });
  $("lrnum").addEventListener("change", () => { state.lr = Number($("lrnum").value); update(false); });
  $("steps").addEventListener("change", () => { state.steps = Math.max(1, Math.min(10000, parseInt($("steps").value, 10) || 1)); update(false); });
  $("imag").addEventListener("change", () => { state.imag = $("imag").checked; draw(); writeURL(); });
  $("csv").addEventListener("click", exportCSV);
  $("json").addEventListener("click", exportJSON);
  $("png").addEventListener("click", exportPNG);
}

// ---------- the run ----------

function setError(msg) { $("error").textContent = msg || ""; }

// update recomputes everything: problem (when newProblem), stability at θ0
// (the 2/λmax mark), one trajectory per flow, the landscape, then draws.
async function update(newProblem) {
  const seq = ++state.seq;
  document.body.dataset.state = "loading";
  setError("");
  clearHover();
  try {
    if (newProblem || !state.meta) {
      state.meta = (await api("problem", { problem: spec() })).doc;
      if (seq !== state.seq) return;
    }
    const d = state.meta.dim;
    if (d > 2) throw new Error("problem: the explorer draws problems of dimension 1 or 2; " + state.meta.problem + " has " + d + " (use the API or the command line)");
    if (!state.x0 || state.x0.length !== d || state.x0.some((v) => !isFinite(v))) state.x0 = state.meta.x0.slice();
    const x0 = state.x0.join(",");
    const st = await api("stability", { problem: spec(), lr: state.lr || 1, x0 });
    if (seq !== state.seq) return;
    state.edge = st.doc.sharpness > 0 ? 2 / st.doc.sharpness : null;
    if (!state.lr || !(state.lr > 0)) state.lr = +(0.9 * (state.edge || 1)).toPrecision(4);
    syncControls();
    writeURL();
    const flows = state.flows.length ? state.flows : ["gd"];
    const base = { problem: spec(), lr: state.lr, steps: state.steps, x0 };
    const results = await Promise.allSettled(flows.map((f) => api("trajectory", Object.assign({ flow: f }, base))));
    if (seq !== state.seq) return;
    state.docs = {};
    const warnings = [], errors = [];
    results.forEach((r, i) => {
      if (r.status === "fulfilled") {
        state.docs[flows[i]] = r.value.doc;
        for (const w of r.value.warnings) if (!/^dop853 at rtol|^\w+ at rtol/.test(w)) warnings.push(flows[i] + ": " + w);
      } else errors.push(flows[i] + ": " + r.reason.message);
    });
    $("warnings").textContent = warnings.join("\n");
    if (errors.length) setError(errors.join("\n"));
    state.win = windowFor();
    const w = state.win;
    const lq = { problem: spec(), xmin: w.xmin, xmax: w.xmax, n: d === 1 ? 201 : 81 };
    if (d === 2) Object.assign(lq, { ymin: w.ymin, ymax: w.ymax });
    state.land = (await api("landscape", lq)).doc;
    if (seq !== state.seq) return;
    draw();
    document.body.dataset.state = errors.length ? "error" : "ready";
  } catch (e) {
    if (seq !== state.seq) return;
    setError(e.message);
    state.docs = {}; state.land = null;
    clearPlots();
    $("plot-title").textContent = "no picture: see the message above";
    $("problem").value = state.expr.trim() ? "" : state.problem;
    document.body.dataset.state = "error";
  }
  document.body.dataset.run = String(++state.run);
}

// windowFor picks the plotted region: θ0 and the stationary points,
// widened to take in the iterates and flow points (up to 4 times the base
// span, so that a diverging run does not shrink the picture to nothing).
function windowFor() {
  const m = state.meta, d = m.dim;
  const pts = [state.x0].concat(m.minima || [], m.saddles || [], m.maxima || []).filter((p) => p && p.every((v) => v !== null && isFinite(v)));
  const lo = [], hi = [];
  for (let i = 0; i < d; i++) {
    const vs = pts.map((p) => p[i]);
    lo[i] = Math.min(...vs); hi[i] = Math.max(...vs);
    // Expressions come without stationary points: show ±1.5 around θ0.
    const span = Math.max(hi[i] - lo[i], state.expr.trim() ? 2 : 0.5);
    const mid = (lo[i] + hi[i]) / 2;
    lo[i] = mid - 0.75 * span; hi[i] = mid + 0.75 * span;
  }
  const base = lo.map((l, i) => hi[i] - l);
  for (const doc of Object.values(state.docs)) {
    for (const p of doc.points) {
      for (const v of [p.gd, p.theta_re]) {
        for (let i = 0; i < d; i++) {
          if (v[i] === null || !isFinite(v[i])) continue;
          const c = Math.max(lo[i] - 1.5 * base[i], Math.min(hi[i] + 1.5 * base[i], v[i]));
          lo[i] = Math.min(lo[i], c); hi[i] = Math.max(hi[i], c);
        }
      }
    }
  }
  for (let i = 0; i < d; i++) { const pad = 0.05 * (hi[i] - lo[i]); lo[i] -= pad; hi[i] += pad; }
  if (d === 1) return { xmin: lo[0], xmax: hi[0] };
  // Equal scales on both axes keep the contours' shape.
  const W = 600 - 2 * MARGIN, H = 500 - 2 * MARGIN;
  const sx = (hi[0] - lo[0]) / W, sy = (hi[1] - lo[1]) / H, s = Math.max(sx, sy);
  const cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
  return { xmin: cx - s * W / 2, xmax: cx + s * W / 2, ymin: cy - s * H / 2, ymax: cy + s * H / 2 };
}

// ---------- drawing ----------

const MARGIN = 44;

function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function clearPlots() { for (const id of ["plot", "dist", "traj1d", "imagplot"]) $(id).replaceChildren(); $("legend").replaceChildren(); }

function niceTicks(lo, hi, n) {
  const step0 = (hi - lo) / n, p = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= step0) || 10 * p;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * step; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

// frame draws axes for [x0,x1]×[y0,y1] in svg and returns the scales.
function frame(svg, x0, x1, y0, y1, opts) {
  const W = +svg.getAttribute("width"), H = +svg.getAttribute("height"), m = opts.margin || MARGIN;
  const logy = !!opts.logy;
  const ty = (y) => (logy ? Math.log10(y) : y);
  const Y0 = ty(y0), Y1 = ty(y1);
  const sx = (x) => m + (x - x0) / (x1 - x0) * (W - m - 10);
  const sy = (y) => H - m + 10 - (ty(y) - Y0) / (Y1 - Y0) * (H - m - 10 - 8);
  svg.dataset.domain = JSON.stringify([x0, x1, y0, y1]);
  svg.dataset.logy = logy ? "1" : "0";
  el("rect", { x: m, y: 8, width: W - m - 10, height: H - m + 2 - 8, fill: "#ffffff", stroke: "#999999" }, svg);
  const g = el("g", { "font-size": 10, fill: "#444444", "font-family": "sans-serif" }, svg);
  for (const t of niceTicks(x0, x1, 6)) {
    el("line", { x1: sx(t), x2: sx(t), y1: H - m + 10, y2: H - m + 14, stroke: "#666666" }, g);
    el("text", { x: sx(t), y: H - m + 25, "text-anchor": "middle" }, g).textContent = fmt(t, 3);
  }
  const yt = logy ? niceTicks(Y0, Y1, 5).filter((v) => Number.isInteger(v)).map((v) => Math.pow(10, v)) : niceTicks(y0, y1, 6);
  for (const t of yt) {
    el("line", { x1: m - 4, x2: m, y1: sy(t), y2: sy(t), stroke: "#666666" }, g);
    el("text", { x: m - 6, y: sy(t) + 3, "text-anchor": "end" }, g).textContent = logy ? "1e" + Math.round(Math.log10(t)) : fmt(t, 3);
  }
  if (opts.xlabel) el("text", { x: (m + W - 10) / 2, y: H - 4, "text-anchor": "middle" }, g).textContent = opts.xlabel;
  if (opts.ylabel) el("text", { x: 10, y: 14, "text-anchor": "start" }, g).textContent = opts.ylabel;
  const clip = "clip-" + svg.id;
  const cp = el("clipPath", { id: clip }, el("defs", {}, svg));
  el("rect", { x: m, y: 8, width: W - m - 10, height: H - m + 2 - 8 }, cp);
  const body = el("g", { "clip-path": "url(#" + clip + ")" }, svg);
  return { sx, sy, body, m, W, H };
}

const r6 = (v) => Math.round(v * 1000) / 1000;

// curve draws a polyline through the finite points; data-values keeps the
// numbers (as the API gave them) so that tests and exports read them back.
function curve(parent, pts, sx, sy, attrs, values) {
  const ok = pts.filter(([x, y]) => x !== null && y !== null && isFinite(sx(x)) && isFinite(sy(y)));
  const p = el("polyline", Object.assign({ fill: "none", points: ok.map(([x, y]) => r6(sx(x)) + "," + r6(sy(y))).join(" ") }, attrs), parent);
  p.dataset.values = JSON.stringify(values === undefined ? pts : values);
  return p;
}

// contours runs marching squares on the landscape grid at levels spaced
// by quantiles of the finite values, so that every part of the picture
// gets lines whatever the loss's range.
function contours(land, sx, sy, parent) {
  const X = land.x, Y = land.y, Z = land.loss;
  const vals = [];
  for (const row of Z) for (const v of row) if (v !== null && isFinite(v)) vals.push(v);
  if (vals.length < 4) return;
  vals.sort((a, b) => a - b);
  const K = 18, levels = [];
  for (let k = 0; k < K; k++) {
    const q = Math.pow((k + 0.5) / K, 1.6);
    const v = vals[Math.min(vals.length - 1, Math.floor(q * vals.length))];
    if (!levels.length || v > levels[levels.length - 1]) levels.push(v);
  }
  levels.forEach((L, li) => {
    let d = "";
    for (let j = 0; j + 1 < Y.length; j++) {
      for (let i = 0; i + 1 < X.length; i++) {
        const a = Z[j][i], b = Z[j][i + 1], c = Z[j + 1][i + 1], e = Z[j + 1][i];
        if (a === null || b === null || c === null || e === null) continue;
        const idx = (a > L ? 1 : 0) | (b > L ? 2 : 0) | (c > L ? 4 : 0) | (e > L ? 8 : 0);
        if (idx === 0 || idx === 15) continue;
        const lerp = (v0, v1) => (L - v0) / (v1 - v0);
        const bottom = () => [X[i] + lerp(a, b) * (X[i + 1] - X[i]), Y[j]];
        const right = () => [X[i + 1], Y[j] + lerp(b, c) * (Y[j + 1] - Y[j])];
        const top = () => [X[i] + lerp(e, c) * (X[i + 1] - X[i]), Y[j + 1]];
        const left = () => [X[i], Y[j] + lerp(a, e) * (Y[j + 1] - Y[j])];
        const segs = {
          1: [[bottom, left]], 2: [[bottom, right]], 3: [[left, right]], 4: [[right, top]],
          6: [[bottom, top]], 7: [[left, top]], 8: [[left, top]], 9: [[bottom, top]], 11: [[right, top]],
          12: [[left, right]], 13: [[bottom, right]], 14: [[bottom, left]],
        };
        let s = segs[idx];
        if (idx === 5 || idx === 10) {
          const centre = (a + b + c + e) / 4 > L;
          s = (idx === 5) === centre ? [[bottom, right], [left, top]] : [[bottom, left], [right, top]];
          if (idx === 10) s = centre ? [[bottom, left], [right, top]] : [[bottom, right], [left, top]];
        }
        for (const [f, g] of s) {
          const p = f(), q = g();
          d += "M" + r6(sx(p[0])) + " " + r6(sy(p[1])) + "L" + r6(sx(q[0])) + " " + r6(sy(q[1]));
        }
      }
    }
    const t = li / Math.max(1, levels.length - 1);
    const col = "rgb(" + Math.round(40 + 180 * t) + "," + Math.round(90 + 100 * t) + "," + Math.round(200 - 120 * t) + ")";
    const path = el("path", { d, fill: "none", stroke: col, "stroke-width": 1, class: "contour" }, parent);
    path.dataset.level = String(L);
  });
}

function finite(v) { return v !== null && v !== undefined && isFinite(v); }

function draw() {
  clearPlots();
  const d = state.meta.dim, w = state.win, land = state.land;
  const flows = Object.keys(state.docs);
  // GD comes with every document; take the longest (a flow whose
  // integration stopped early carries only the iterates up to there).
  const anyDoc = gdDoc();
  const svg = $("plot");
  svg.dataset.problem = state.meta.problem;
  let fr;
  if (d === 2) {
    $("plot-title").textContent = "contours of " + state.meta.problem + ", GD iterates (black) and flows at t = nh";
    fr = frame(svg, w.xmin, w.xmax, w.ymin, w.ymax, { xlabel: "θ₁", ylabel: "θ₂" });
    contours(land, fr.sx, fr.sy, fr.body);
  } else {
    $("plot-title").textContent = "loss of " + state.meta.problem + " with the GD iterates";
    const ys = land.loss[0].filter(finite);
    let lo = Math.min(...ys), hi = Math.max(...ys);
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const pad = 0.05 * (hi - lo);
    fr = frame(svg, w.xmin, w.xmax, lo - pad, hi + pad, { xlabel: "θ", ylabel: "E(θ)" });
    curve(fr.body, land.x.map((x, i) => [x, land.loss[0][i]]), fr.sx, fr.sy, { stroke: "#1565c0", "stroke-width": 1.5, class: "losscurve" });
  }
  svg.dataset.sx = JSON.stringify([fr.sx(0), fr.sx(1)]);
  const E1 = (x) => interp(land.x, land.loss[0], x);
  // The point θ as plotted: (θ₁, θ₂) in 2-D, (θ, E(θ)) in 1-D.
  const at = d === 2 ? (v) => [v[0], v[1]] : (v) => [v[0], E1(v[0])];
  for (const m of state.meta.minima || []) {
    const [x, y] = at(m);
    if (finite(x) && finite(y)) el("path", { d: "M" + (fr.sx(x) - 5) + " " + fr.sy(y) + "h10M" + fr.sx(x) + " " + (fr.sy(y) - 5) + "v10", stroke: "#2e7d32", "stroke-width": 2, class: "minimum" }, fr.body);
  }
  // Flow curves (real part) first, GD on top.
  for (const f of flows) {
    if (f === "gd") continue;
    const doc = state.docs[f];
    const re = doc.points.map((p) => p.theta_re);
    const poly = curve(fr.body, re.map(at), fr.sx, fr.sy, { stroke: COLORS[f], "stroke-width": 2, class: "flow" }, re);
    poly.dataset.flow = f;
    for (const v of re) {
      const [x, y] = at(v);
      if (finite(x) && finite(y)) el("circle", { cx: r6(fr.sx(x)), cy: r6(fr.sy(y)), r: 2, fill: COLORS[f], class: "flow-pt" }, fr.body);
    }
  }
  if (anyDoc) {
    const gd = anyDoc.points.map((p) => p.gd);
    const line = curve(fr.body, gd.map(at), fr.sx, fr.sy, { stroke: "#000000", "stroke-width": 1, "stroke-dasharray": "3 2", class: "gd-line" }, gd);
    line.id = "gd-line";
    anyDoc.points.forEach((p) => {
      const [x, y] = at(p.gd);
      if (!finite(x) || !finite(y)) return;
      const c = el("circle", { cx: r6(fr.sx(x)), cy: r6(fr.sy(y)), r: 3.5, fill: "#000000", stroke: "#ffffff", "stroke-width": 1, class: "gd-pt" }, fr.body);
      c.dataset.n = p.n;
      c.dataset.theta = JSON.stringify(p.gd);
    });
  }
  const [sx0, sy0] = at(state.x0);
  if (finite(sx0) && finite(sy0)) el("circle", { cx: fr.sx(sx0), cy: fr.sy(sy0), r: 6, fill: "none", stroke: "#d32f2f", "stroke-width": 2, id: "theta0" }, fr.body);
  // Pointer handling: click sets θ0, hover asks for the local analysis.
  const toTheta = (ev) => {
    const pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    const x = w.xmin + (p.x - fr.m) / (fr.W - fr.m - 10) * (w.xmax - w.xmin);
    if (d === 1) return [x];
    const [, , y0, y1] = JSON.parse(svg.dataset.domain);
    const y = y0 + (fr.H - fr.m + 10 - p.y) / (fr.H - fr.m - 10 - 8) * (y1 - y0);
    return [x, y];
  };
  svg.onclick = (ev) => { state.x0 = toTheta(ev).map((v) => +v.toPrecision(5)); update(false); };
  svg.onmousemove = (ev) => hover(toTheta(ev));
  drawLegend(flows);
  drawDistance(flows);
  if (d === 1) drawTraj1D(flows);
  $("traj1d-panel").classList.toggle("hidden", d !== 1);
  drawImag(flows);
  $("imag-panel").classList.toggle("hidden", !state.imag);
}

function gdDoc() {
  let best = null;
  for (const d of Object.values(state.docs)) if (!best || d.points.length > best.points.length) best = d;
  return best;
}

function interp(X, Y, x) {
  if (!(x >= X[0] && x <= X[X.length - 1])) return null;
  const t = (x - X[0]) / (X[X.length - 1] - X[0]) * (X.length - 1);
  const i = Math.min(X.length - 2, Math.floor(t)), f = t - i;
  if (Y[i] === null || Y[i + 1] === null) return null;
  return Y[i] * (1 - f) + Y[i + 1] * f;
}

function drawLegend(flows) {
  const lg = $("legend");
  const add = (name, col, text) => { const s = document.createElement("span"); s.style.color = col; s.textContent = "● " + text; lg.appendChild(s); };
  add("gd", "#000000", "GD iterates");
  for (const f of flows) if (f !== "gd") add(f, COLORS[f], f + " (real part)");
}

function drawDistance(flows) {
  const svg = $("dist");
  const series = flows.filter((f) => f !== "gd").map((f) => [f, state.docs[f].points.map((p) => [p.n, p.error])]);
  const ys = [];
  for (const [, pts] of series) for (const [, e] of pts) if (finite(e) && e > 0) ys.push(e);
  const n = state.steps;
  let lo = ys.length ? Math.min(...ys) : 1e-16, hi = ys.length ? Math.max(...ys) : 1;
  lo = Math.pow(10, Math.floor(Math.log10(lo))); hi = Math.pow(10, Math.ceil(Math.log10(hi)));
  if (hi <= lo) hi = lo * 10;
  const fr = frame(svg, 0, Math.max(n, 1), lo, hi, { logy: true, xlabel: "step n", margin: 40 });
  for (const [f, pts] of series) {
    const p = curve(fr.body, pts.map(([k, e]) => [k, e > 0 ? e : null]), fr.sx, fr.sy, { stroke: COLORS[f], "stroke-width": 1.5, class: "dist" }, pts.map(([, e]) => e));
    p.dataset.flow = f;
  }
}

function drawTraj1D(flows) {
  const svg = $("traj1d");
  const all = [];
  for (const f of flows) for (const p of state.docs[f].points) { all.push(p.gd[0], p.theta_re[0]); }
  const ys = all.filter(finite);
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const pad = 0.05 * (hi - lo);
  const fr = frame(svg, 0, Math.max(state.steps, 1), lo - pad, hi + pad, { xlabel: "step n", margin: 40 });
  for (const f of flows) {
    if (f === "gd") continue;
    const p = curve(fr.body, state.docs[f].points.map((q) => [q.n, q.theta_re[0]]), fr.sx, fr.sy, { stroke: COLORS[f], "stroke-width": 2, class: "flow1d" });
    p.dataset.flow = f;
  }
  const doc = gdDoc();
  if (doc) for (const q of doc.points) if (finite(q.gd[0])) el("circle", { cx: fr.sx(q.n), cy: fr.sy(q.gd[0]), r: 3, fill: "#000000", class: "gd1d" }, fr.body);
}

function drawImag(flows) {
  const svg = $("imagplot");
  const series = [];
  for (const f of flows) {
    if (f === "gd") continue;
    const pts = state.docs[f].points;
    const d = pts.length ? pts[0].theta_im.length : 0;
    for (let i = 0; i < d; i++) series.push([f, i, pts.map((p) => [p.n, p.theta_im[i]])]);
  }
  const ys = [];
  for (const [, , pts] of series) for (const [, v] of pts) if (finite(v)) ys.push(v);
  let lo = ys.length ? Math.min(...ys, 0) : -1, hi = ys.length ? Math.max(...ys, 0) : 1;
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const pad = 0.05 * (hi - lo);
  const fr = frame(svg, 0, Math.max(state.steps, 1), lo - pad, hi + pad, { xlabel: "step n", margin: 48 });
  for (const [f, i, pts] of series) {
    const p = curve(fr.body, pts, fr.sx, fr.sy, { stroke: COLORS[f], "stroke-width": 1.5, "stroke-dasharray": i ? "5 3" : "", class: "imag" }, pts.map(([, v]) => v));
    p.dataset.flow = f; p.dataset.component = String(i + 1);
  }
}

// ---------- hover: local eigen-analysis through /api/stability ----------

let hoverTimer = null, hoverSeq = 0;
function clearHover() {
  clearTimeout(hoverTimer); hoverSeq++;
  $("hover-body").textContent = "move the pointer over the plot";
  delete $("hover-body").dataset.theta;
}
function hover(theta) {
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(async () => {
    const seq = ++hoverSeq;
    try {
      const st = (await api("stability", { problem: spec(), lr: state.lr, x0: theta.map((v) => v.toPrecision(6)).join(",") })).doc;
      if (seq !== hoverSeq) return;
      let h = "<div>θ = (" + st.theta.map((v) => fmt(v, 5)).join(", ") + "), h = " + fmt(st.lr) + ", 2/h = " + fmt(st.edge) + "</div>";
      h += "<table><tr><th>λ</th><th>h·λ</th><th>regime</th><th>φ(hλ)</th><th>gᵀu</th></tr>";
      for (const dd of st.directions) {
        h += "<tr><td>" + fmt(dd.lambda) + "</td><td>" + fmt(dd.h_lambda, 4) + "</td><td style='text-align:left'>" + dd.regime + "</td><td>" + fmt(dd.sc_re, 4) + (dd.sc_im ? (dd.sc_im > 0 ? "+" : "−") + fmt(Math.abs(dd.sc_im), 4) + "i" : "") + "</td><td>" + fmt(dd.grad_proj, 4) + "</td></tr>";
      }
      $("hover-body").innerHTML = h + "</table>";
      $("hover-body").dataset.theta = JSON.stringify(st.theta);
    } catch (e) {
      if (seq === hoverSeq) $("hover-body").textContent = e.message;
    }
  }, 120);
}

// ---------- export ----------

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
function baseName() { return "pflow-" + spec().replace(/[^A-Za-z0-9]+/g, "_").slice(0, 40) + "-h" + state.lr; }

// exportCSV writes one row per flow and step, in the columns of
// `pflow trajectory -format csv` with the flow's name in front.
function exportCSV() {
  const flows = Object.keys(state.docs);
  if (!flows.length) return;
  const d = state.meta.dim;
  const head = ["flow", "n", "t"];
  for (const pre of ["theta_re", "theta_im", "gd"]) for (let i = 1; i <= d; i++) head.push(pre + "_" + i);
  head.push("error");
  const rows = [head.join(",")];
  for (const f of flows) for (const p of state.docs[f].points) rows.push([f, p.n, p.t].concat(p.theta_re, p.theta_im, p.gd, [p.error]).map((v) => (v === null ? "NaN" : String(v))).join(","));
  download(baseName() + ".csv", new Blob([rows.join("\n") + "\n"], { type: "text/csv" }));
}

// exportJSON writes the API's documents: one, or an array for several flows
// (as `pflow trajectory` does).
function exportJSON() {
  const docs = Object.values(state.docs);
  if (!docs.length) return;
  download(baseName() + ".json", new Blob([JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + "\n"], { type: "application/json" }));
}

function exportPNG() {
  const svg = $("plot");
  const W = +svg.getAttribute("width"), H = +svg.getAttribute("height");
  const clone = svg.cloneNode(true);
  clone.setAttribute("xmlns", SVGNS);
  const src = new XMLSerializer().serializeToString(clone);
  const img = new Image();
  img.onload = () => {
    const c = document.createElement("canvas");
    c.width = 2 * W; c.height = 2 * H;
    const g = c.getContext("2d");
    g.fillStyle = "#ffffff"; g.fillRect(0, 0, c.width, c.height);
    g.scale(2, 2); g.drawImage(img, 0, 0);
    c.toBlob((b) => download(baseName() + ".png", b), "image/png");
  };
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(src);
}

// ---------- start ----------

async function start() {
  readURL();
  try {
    buildControls((await api("problems", {})).doc.problems);
  } catch (e) {
    setError(e.message);
    return;
  }
  syncControls();
  update(true);
}
start();
