// govsim's live run view: draws one recorded round of a run on a canvas (an anywidget module).
// The kernel sends the whole recorded run once (model "data", see govsim/screen/replay.py) and then
// only the round to show ("frame"). While "playing" is true the browser steps through the
// recorded rounds by itself at "speed" rounds per second, with no kernel traffic, and reports
// the round it stopped at when paused or finished. "projector" enlarges everything.
// After every paint: el.dataset.frame / el.dataset.version and window.__govsimPaints (browser tests).

const VERMILLION = "#D55E00";
const GREY = "#999999";

function shape(ctx, marker, x, y, r) {
  ctx.beginPath();
  switch (marker) {
    case "s": ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7); break;
    case "^": ctx.moveTo(x, y - r * 1.1); ctx.lineTo(x + r, y + r * 0.75); ctx.lineTo(x - r, y + r * 0.75); ctx.closePath(); break;
    case "D": ctx.moveTo(x, y - r * 1.15); ctx.lineTo(x + r * 0.9, y); ctx.lineTo(x, y + r * 1.15); ctx.lineTo(x - r * 0.9, y); ctx.closePath(); break;
    case "*": {
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5, rr = k % 2 ? r * 0.45 : r;
        k ? ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a)) : ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      ctx.closePath(); break;
    }
    default: ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
}

function cross(ctx, x, y, r, width) {
  ctx.save(); ctx.lineWidth = width; ctx.strokeStyle = "#000";
  ctx.beginPath(); ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r); ctx.stroke();
  ctx.restore();
}

function niceStep(span, most) {
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]) if (span / s <= most) return s;
  return Math.ceil(span / most);
}

function wrapText(ctx, text, width) {
  const words = String(text).split(" "), lines = [];
  let line = "";
  for (const w of words) {
    const next = line ? line + " " + w : w;
    if (line && ctx.measureText(next).width > width) { lines.push(line); line = w; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function draw(view) {
  const { model, canvas, status } = view;
  const data = model.get("data") || {};
  const frames = data.frames || [];
  const big = model.get("projector");
  const s = big ? 1.6 : 1;
  // as wide as the output area allows; projector mode: taller, and everything 1.6 times bigger
  const W = Math.round(Math.max(640, Math.min(1700, view.el.clientWidth || 1040)));
  const H = Math.round(W * (big ? 0.62 : 0.42));
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== W * dpr || canvas.height !== H * dpr) {
    canvas.width = W * dpr; canvas.height = H * dpr;
    canvas.style.width = W + "px"; canvas.style.height = H + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  status.style.fontSize = `${Math.round(15 * s)}px`;
  if (!frames.length) { status.textContent = "No run yet."; return 0; }
  const shown = player(model).frame;
  const i = Math.max(0, Math.min(frames.length - 1, (shown === null ? model.get("frame") : shown) | 0));
  const f = frames[i], groups = data.groups, codes = data.group;
  const issue = data.issues[f.issue];
  status.textContent = f.status;
  const font = (px, bold) => `${bold ? "bold " : ""}${Math.round(px * s)}px sans-serif`;

  // ---- left: the policy space
  // the issue's name wraps onto as many lines as it needs (never cut); the panels start below it
  ctx.font = font(13, true);
  const title = wrapText(ctx, `Issue ${f.issue + 1}: ${issue.name}`, 0.36 * W);
  const legendH = 34 * s;
  const top = (14 + 16 * title.length) * s;
  const size = Math.min(H - legendH - 52 * s - top, 0.4 * W), bottom = top + size;
  const left = 84 * s, right = left + size;
  const px = (x) => left + x * size, py = (y) => bottom - y * size;
  ctx.strokeStyle = "#444"; ctx.lineWidth = 1; ctx.strokeRect(left, top, size, size);
  ctx.fillStyle = "#222"; ctx.font = font(11); ctx.textAlign = "center";
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.fillText(String(t), px(t), bottom + 14 * s);
    ctx.textAlign = "right"; ctx.fillText(String(t), left - 5 * s, py(t) + 4 * s); ctx.textAlign = "center";
    ctx.strokeStyle = "#eee"; ctx.beginPath(); ctx.moveTo(px(t), top); ctx.lineTo(px(t), bottom); ctx.moveTo(left, py(t)); ctx.lineTo(right, py(t)); ctx.stroke();
  }
  const [dx, dy] = data.dimensions, [ex, ey] = data.ends;
  ctx.fillText(dx, (left + right) / 2, bottom + 29 * s);
  ctx.fillText(`0 = ${ex[0]}, 1 = ${ex[1]}`, (left + right) / 2, bottom + 43 * s);
  ctx.save(); ctx.translate(18 * s, (top + bottom) / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText(dy, 0, 0); ctx.fillText(`0 = ${ey[0]}, 1 = ${ey[1]}`, 0, 15 * s); ctx.restore();
  ctx.font = font(13, true); ctx.textAlign = "left";
  title.forEach((line, k) => ctx.fillText(line, left, top - 8 * s - (title.length - 1 - k) * 16 * s));
  // trail of the text on the table in this issue, then the status quo and the text itself
  const trail = [];
  if (issue.first !== null) for (let k = issue.first; k <= i; k++) if (frames[k].text) trail.push(frames[k].text);
  ctx.strokeStyle = VERMILLION; ctx.lineWidth = 1.5 * s; ctx.setLineDash([]);
  ctx.beginPath(); trail.forEach(([x, y], k) => (k ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y)))); ctx.stroke();
  ctx.fillStyle = VERMILLION; for (const [x, y] of trail.slice(0, -1)) { ctx.beginPath(); ctx.arc(px(x), py(y), 2.2 * s, 0, 7); ctx.fill(); }
  cross(ctx, px(issue.status_quo[0]), py(issue.status_quo[1]), 7 * s, 3 * s);
  // stakeholders: group marker, filled when attending, hollow when away, a black ring when objecting
  const r = 5.5 * s;
  f.positions.forEach(([x, y], k) => {
    const g = groups[codes[k]], X = px(x), Y = py(y);
    shape(ctx, g.marker, X, Y, r);
    if (f.attending[k] === "1") { ctx.fillStyle = g.color; ctx.fill(); }
    ctx.strokeStyle = g.color; ctx.lineWidth = 1.5 * s; ctx.stroke();
    if (f.objecting[k] === "1") { shape(ctx, g.marker, X, Y, r + 3.5 * s); ctx.strokeStyle = "#000"; ctx.lineWidth = 2 * s; ctx.stroke(); }
  });
  if (f.text) {
    shape(ctx, "*", px(f.text[0]), py(f.text[1]), 13 * s);
    ctx.fillStyle = VERMILLION; ctx.fill(); ctx.strokeStyle = "#000"; ctx.lineWidth = 1; ctx.stroke();
  }

  // ---- right: attendance by group and objecting share, growing round by round
  const total = frames.length - 1;
  const L = right + 95 * s, R = W - 20 * s, T = top, B = bottom;
  const sx = (n) => L + ((n - 0.5) / Math.max(1, total)) * (R - L), sy = (v) => B - v * (B - T);
  ctx.strokeStyle = "#444"; ctx.lineWidth = 1; ctx.setLineDash([]); ctx.strokeRect(L, T, R - L, B - T);
  ctx.font = font(11); ctx.fillStyle = "#222"; ctx.textAlign = "right";
  for (const v of [0, 0.25, 0.5, 0.75, 1]) ctx.fillText(String(v), L - 5 * s, sy(v) + 4 * s);
  ctx.textAlign = "center";
  const step = niceStep(total, big ? 8 : 12);
  for (let n = step; n <= total; n += step) ctx.fillText(String(n), sx(n), B + 14 * s);
  ctx.fillText("round of the run (dotted lines: a new issue starts)", (L + R) / 2, B + 32 * s);
  ctx.save(); ctx.translate(L - 42 * s, (T + B) / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText("share attending / objecting", 0, 0); ctx.restore();
  ctx.font = font(13, true); ctx.textAlign = "left"; ctx.fillText("Who attends and who objects", L, T - 8 * s);
  ctx.font = font(10); ctx.strokeStyle = GREY; ctx.fillStyle = "#555"; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
  data.issues.forEach((iss, k) => {
    if (iss.first === null) return;
    if (k > 0) { ctx.beginPath(); ctx.moveTo(sx(iss.first - 0.5), T); ctx.lineTo(sx(iss.first - 0.5), B); ctx.stroke(); }
    ctx.fillText(String(k + 1), sx(iss.first - 0.5) + 3 * s, T + 12 * s);
  });
  ctx.setLineDash([]);
  if (i > 0) { ctx.strokeStyle = "#ccc"; ctx.lineWidth = 6 * s; ctx.beginPath(); ctx.moveTo(sx(i), T); ctx.lineTo(sx(i), B); ctx.stroke(); }
  const series = data.series;
  const trace = (values, color, dash, width, marker) => {
    ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash.map((d) => d * s));
    ctx.beginPath(); let on = false;
    for (let n = 1; n <= i; n++) {
      const v = values[n - 1];
      if (v === null) { on = false; continue; }
      on ? ctx.lineTo(sx(n), sy(v)) : ctx.moveTo(sx(n), sy(v)); on = true;
    }
    ctx.stroke(); ctx.setLineDash([]);
    if (marker && i > 0) {
      const every = Math.max(1, Math.round(total / 12));
      ctx.fillStyle = color;
      for (let n = 1; n <= i; n += every) if (values[n - 1] !== null) { shape(ctx, marker, sx(n), sy(values[n - 1]), 3 * s); ctx.fill(); }
    }
  };
  groups.forEach((g) => trace(series[g.name], g.color, g.dash, 1.8 * s, g.marker));
  trace(series.objecting, "#000", [], 3 * s, null);

  // ---- legend: every group by colour, shape and line, then the other marks
  let x = 20 * s; const y = H - legendH / 2;
  ctx.font = font(12); ctx.textAlign = "left"; ctx.textBaseline = "middle";
  const item = (drawMark, label) => { drawMark(x + 14 * s, y); x += 34 * s; ctx.fillStyle = "#222"; ctx.fillText(label, x, y); x += ctx.measureText(label).width + 18 * s; };
  groups.forEach((g) => item((X, Y) => {
    ctx.strokeStyle = g.color; ctx.lineWidth = 1.8 * s; ctx.setLineDash(g.dash.map((d) => d * s));
    ctx.beginPath(); ctx.moveTo(X - 14 * s, Y); ctx.lineTo(X + 14 * s, Y); ctx.stroke(); ctx.setLineDash([]);
    shape(ctx, g.marker, X, Y, 5 * s); ctx.fillStyle = g.color; ctx.fill();
  }, g.label));
  item((X, Y) => { ctx.strokeStyle = "#000"; ctx.lineWidth = 3 * s; ctx.beginPath(); ctx.moveTo(X - 14 * s, Y); ctx.lineTo(X + 14 * s, Y); ctx.stroke(); }, "objecting");
  item((X, Y) => { shape(ctx, "o", X, Y, 8.5 * s); ctx.strokeStyle = "#000"; ctx.lineWidth = 2 * s; ctx.stroke(); }, "objected");
  item((X, Y) => { shape(ctx, "o", X, Y, 5 * s); ctx.strokeStyle = "#555"; ctx.lineWidth = 1.5 * s; ctx.stroke(); }, "absent");
  item((X, Y) => cross(ctx, X, Y, 6 * s, 3 * s), "status quo");
  item((X, Y) => { shape(ctx, "*", X, Y, 10 * s); ctx.fillStyle = VERMILLION; ctx.fill(); }, "text on the table");
  ctx.textBaseline = "alphabetic";
  return i;
}

// Play in the browser: one player per widget model (shared by all its views on the page).
function player(model) {
  if (!model.__govsimPlayer) model.__govsimPlayer = { frame: null, timer: null, version: null, views: new Set() };
  return model.__govsimPlayer;
}

function wirePlayer(model) {
  const p = player(model);
  if (p.wired) return p;
  p.wired = true;
  const last = () => ((model.get("data") || {}).frames || []).length - 1;
  const repaint = () => p.views.forEach((paint) => paint());
  // Report where Play stopped, unless the kernel stopped it (a new run, Back, Step: the kernel
  // sends the round to show with it; ipywidgets marks kernel updates with _state_lock).
  const finish = () => {
    clearTimeout(p.timer);
    p.timer = null;
    const at = p.frame;
    p.frame = null;
    const fromKernel = model._state_lock && "playing" in model._state_lock;
    if (at !== null && !fromKernel && model.get("version") === p.version) {
      p.setting = true;
      model.set("frame", at);
      p.setting = false;
      if (model.get("playing")) model.set("playing", false);
      model.save_changes();
    }
    repaint();
  };
  model.on("change:frame", () => {  // the round slider moved while playing: play on from there
    if (p.timer !== null && !p.setting) p.frame = model.get("frame");
  });
  const tick = () => {
    if (!model.get("playing")) return;
    const next = (p.frame === null ? model.get("frame") : p.frame) + 1;
    if (next > last()) { finish(); return; }
    p.frame = next;
    repaint();
    p.timer = setTimeout(tick, 1000 / Math.max(1, model.get("speed")));
  };
  model.on("change:playing", () => {
    if (!model.get("playing")) { finish(); return; }
    if (p.timer !== null) return;
    p.version = model.get("version");
    if (model.get("frame") >= last()) { p.frame = 0; repaint(); p.timer = setTimeout(tick, 1000 / Math.max(1, model.get("speed"))); }
    else tick();
  });
  return p;
}

function render({ model, el }) {
  const status = document.createElement("div");
  status.className = "govsim-frame-status";
  status.style.fontFamily = "sans-serif"; status.style.margin = "4px 0";
  const canvas = document.createElement("canvas");
  canvas.className = "govsim-canvas";
  canvas.setAttribute("role", "img");
  el.classList.add("govsim-run-view");
  el.append(status, canvas);
  // The static picture kept for offline exports is not needed where this view runs; it is
  // displayed just after the widget, so look again after every paint (run_view.py's CSS hides
  // it too, where the browser knows :has()).
  const hideFallback = () => {
    const area = el.closest(".jp-Cell-outputArea, .jp-OutputArea, .output_area");
    if (area) area.querySelectorAll(".govsim-static-fallback").forEach((n) => (n.style.display = "none"));
  };
  el.style.width = "100%";
  const view = { model, el, canvas, status, pending: false };
  const paint = () => {
    if (view.pending) return;
    view.pending = true;
    requestAnimationFrame(() => {
      view.pending = false;
      const frame = draw(view);
      hideFallback();
      const version = model.get("version");
      el.dataset.frame = String(frame);
      el.dataset.projector = model.get("projector") ? "1" : "0";
      el.dataset.version = String(version);
      canvas.setAttribute("aria-label", status.textContent);
      const now = performance.now();
      window.__govsimPaints = window.__govsimPaints || [];
      window.__govsimPaints.push({ frame, version, time: now });
      if (window.__govsimPaints.length > 2000) window.__govsimPaints.splice(0, 1000);
    });
  };
  const events = ["change:frame", "change:data", "change:version", "change:projector"];
  events.forEach((e) => model.on(e, paint));
  const play = wirePlayer(model);
  play.views.add(paint);
  const resized = new ResizeObserver(() => paint());
  resized.observe(el);
  paint();
  return () => { events.forEach((e) => model.off(e, paint)); play.views.delete(paint); resized.disconnect(); };
}

export default { render };
