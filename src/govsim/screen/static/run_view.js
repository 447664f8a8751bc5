// govsim's live run view: draws one recorded round of a run on a canvas (an anywidget module).
// The kernel sends the whole recorded run once (model "data", see govsim/screen/replay.py) and then
// only the round to show ("frame"). While "playing" is true the browser steps through the
// recorded rounds by itself at "speed" rounds per second, with no kernel traffic, and reports
// the round it stopped at when paused or finished. "projector" enlarges everything.
// Each panel of the recording ("panels", see govsim/screen/panels.py) is drawn by the function of its
// kind (KINDS below): a new kind is one entry there; a new panel of a known kind needs no JavaScript.
// Narrower than NARROW px (a phone), the panels are stacked one under another at the full width and
// everything is drawn PHONE times larger, so the smallest text is 14 CSS px without zooming.
// After every paint: el.dataset.frame / .version / .clipped / .minFont / .drawn and window.__govsimPaints
// (browser tests).

const VERMILLION = "#D55E00";
const GREY = "#999999";
const NARROW = 640;  // below this width (CSS px) the panels stack, one per row
const PHONE = 1.4;  // how much larger a stacked picture draws: its 10 px text becomes 14 px

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

// ---- what was written where: every fillText is recorded with its box (CSS px), so a browser test
// can tell a cut name (outside the canvas, or spilling out of its panel's column) from a whole one
function instrument(ctx, view) {
  if (ctx.__govsimTexts) return;
  ctx.__govsimTexts = true;
  const fill = ctx.fillText.bind(ctx);
  ctx.fillText = (text, x, y) => {
    fill(text, x, y);
    const m = ctx.measureText(text), align = ctx.textAlign;
    const x0 = align === "center" ? x - m.width / 2 : align === "right" || align === "end" ? x - m.width : x;
    const corners = [[x0, y - m.actualBoundingBoxAscent], [x0 + m.width, y + m.actualBoundingBoxDescent]];
    const t = ctx.getTransform(), dpr = window.devicePixelRatio || 1;
    const pts = [[corners[0][0], corners[0][1]], [corners[1][0], corners[0][1]], [corners[0][0], corners[1][1]], [corners[1][0], corners[1][1]]]
      .map(([a, b]) => [(t.a * a + t.c * b + t.e) / dpr, (t.b * a + t.d * b + t.f) / dpr]);
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    const px = Number((/(\d+(?:\.\d+)?)px/.exec(ctx.font) || [0, 0])[1]) * Math.hypot(t.a, t.b) / dpr;
    view.texts.push({ text: String(text), x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), slot: view.slot, px });
    return undefined;
  };
}

function clippedTexts(view, W, H) {
  return view.texts.filter((b) => b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > W + 0.5 || b.y1 > H + 0.5
    || b.x0 < b.slot[0] - 0.5 || b.x1 > b.slot[1] + 0.5 || b.y0 < b.slot[2] - 0.5 || b.y1 > b.slot[3] + 0.5)
    .map((b) => b.text);
}

// ---- the view's own words come with the recording (replay.view_words, in the run's language);
// the English here only stands in for a recording made before they were recorded
const ENGLISH = {
  issue: "Issue {n}: {name}", rounds: "round (dotted lines: a new issue)", objected: "objected",
  absent: "absent", status_quo: "status quo", text: "text on the table", no_run: "No run yet.",
};
function said(data, key) { return ((data && data.words) || {})[key] || ENGLISH[key]; }

// ---- the panel kinds: each says its margins, whether its plot is square, its title, how to draw
// one recorded round into its box, and its legend entries ("groups" = one entry per group)
const KINDS = {
  space: {
    square: true,
    margins: (s) => ({ left: 100 * s, right: 20 * s, bottom: 80 * s }),
    title: (panel, data, f) => said(data, "issue").replace("{n}", String(f.issue + 1)).replace("{name}", data.issues[f.issue].name),
    legend: (panel, data) => ["groups", { mark: "ring", label: said(data, "objected") }, { mark: "hollow", label: said(data, "absent") },
      { mark: "cross", label: said(data, "status_quo") }, { mark: "star", label: said(data, "text") }],
    draw: drawSpace,
  },
  lines: {
    square: false,
    margins: (s) => ({ left: 95 * s, right: 20 * s, bottom: 52 * s }),
    title: (panel) => panel.title,
    legend: (panel) => panel.lines.map((l) => (l.legend === "group" ? "groups"
      : { mark: "line", label: l.label, color: l.color, width: l.width, dash: l.dash })),
    draw: drawLines,
  },
};

function axisText(ctx, lines, x, y, step) { lines.forEach((line, k) => ctx.fillText(line, x, y + k * step)); }

function drawSpace(ctx, box, panel, data, i, s, font) {
  const { left, top, size } = box, bottom = top + size, right = left + size;
  const frames = data.frames, f = frames[i], groups = data.groups, codes = data.group;
  const issue = data.issues[f.issue];
  const px = (x) => left + x * size, py = (y) => bottom - (y ?? 0.5) * size;  // one dimension: along the middle
  ctx.strokeStyle = "#444"; ctx.lineWidth = 1; ctx.strokeRect(left, top, size, size);
  ctx.fillStyle = "#222"; ctx.font = font(11); ctx.textAlign = "center";
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.fillText(String(t), px(t), bottom + 14 * s);
    ctx.textAlign = "right"; ctx.fillText(String(t), left - 5 * s, py(t) + 4 * s); ctx.textAlign = "center";
    ctx.strokeStyle = "#eee"; ctx.beginPath(); ctx.moveTo(px(t), top); ctx.lineTo(px(t), bottom); ctx.moveTo(left, py(t)); ctx.lineTo(right, py(t)); ctx.stroke();
  }
  // what the axes mean, wrapped to the panel's column under the plot and to its height beside it
  const [dx, dy] = panel.dimensions, [ex, ey] = panel.ends;  // a one-dimension scenario has no dy, ey
  const mid = (left + right) / 2, room = 2 * Math.min(mid - box.slot[0], box.slot[1] - mid) - 8 * s;
  axisText(ctx, wrapText(ctx, dx, room).concat(wrapText(ctx, `0 = ${ex[0]}, 1 = ${ex[1]}`, room)), mid, bottom + 29 * s, 14 * s);
  const beside = ey ? wrapText(ctx, dy, size).concat(wrapText(ctx, `0 = ${ey[0]}, 1 = ${ey[1]}`, size)) : [];
  ctx.save(); ctx.translate(left - 44 * s - 14 * s * (beside.length - 1), (top + bottom) / 2); ctx.rotate(-Math.PI / 2);
  axisText(ctx, beside, 0, 0, 14 * s); ctx.restore();
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
}

function drawLines(ctx, box, panel, data, i, s, font, big) {
  // values per round of the run, drawn up to the round shown; dotted lines where an issue starts
  const total = data.frames.length - 1;
  const L = box.left, R = box.left + box.width, T = box.top, B = box.top + box.size;
  const [lo, hi] = panel.ylim, span = hi - lo || 1;
  const sx = (n) => L + ((n - 0.5) / Math.max(1, total)) * (R - L), sy = (v) => B - ((v - lo) / span) * (B - T);
  ctx.strokeStyle = "#444"; ctx.lineWidth = 1; ctx.setLineDash([]); ctx.strokeRect(L, T, R - L, B - T);
  ctx.font = font(11); ctx.fillStyle = "#222"; ctx.textAlign = "right";
  for (let k = 0; k <= 4; k++) { const v = lo + (k * span) / 4; ctx.fillText(String(+v.toPrecision(3)), L - 5 * s, sy(v) + 4 * s); }
  ctx.textAlign = "center";
  const step = niceStep(total, Math.max(2, Math.floor((R - L) / (45 * s))));
  for (let n = step; n <= total; n += step) ctx.fillText(String(n), sx(n), B + 14 * s);
  axisText(ctx, wrapText(ctx, said(data, "rounds"), R - L), (L + R) / 2, B + 30 * s, 14 * s);
  ctx.save(); ctx.translate(L - 50 * s, (T + B) / 2); ctx.rotate(-Math.PI / 2);
  axisText(ctx, wrapText(ctx, panel.ylabel, B - T), 0, 0, 14 * s); ctx.restore();
  ctx.font = font(10); ctx.strokeStyle = GREY; ctx.fillStyle = "#555"; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
  data.issues.forEach((iss, k) => {
    if (iss.first === null) return;
    if (k > 0) { ctx.beginPath(); ctx.moveTo(sx(iss.first - 0.5), T); ctx.lineTo(sx(iss.first - 0.5), B); ctx.stroke(); }
    ctx.textAlign = "left"; ctx.fillText(String(k + 1), sx(iss.first - 0.5) + 3 * s, T + 12 * s);
  });
  ctx.setLineDash([]);
  if (i > 0) { ctx.strokeStyle = "#ccc"; ctx.lineWidth = 6 * s; ctx.beginPath(); ctx.moveTo(sx(i), T); ctx.lineTo(sx(i), B); ctx.stroke(); }
  ctx.save(); ctx.beginPath(); ctx.rect(L, T, R - L, B - T); ctx.clip();
  for (const line of panel.lines) {
    const values = line.values;
    ctx.strokeStyle = line.color; ctx.lineWidth = line.width * s; ctx.setLineDash(line.dash.map((d) => d * s));
    ctx.beginPath(); let on = false;
    for (let n = 1; n <= i; n++) {
      const v = values[n - 1];
      if (v === null || v === undefined) { on = false; continue; }
      on ? ctx.lineTo(sx(n), sy(v)) : ctx.moveTo(sx(n), sy(v)); on = true;
    }
    ctx.stroke(); ctx.setLineDash([]);
    if (line.marker && i > 0) {
      const every = Math.max(1, Math.round(total / 12));
      ctx.fillStyle = line.color;
      for (let n = 1; n <= i; n += every) if (values[n - 1] !== null) { shape(ctx, line.marker, sx(n), sy(values[n - 1]), 3 * s); ctx.fill(); }
    }
  }
  ctx.restore();
}

// ---- the legend: every group by colour, shape and line, then each panel's other marks, wrapped
function legendItems(data) {
  const items = [], seen = new Set();
  const add = (item) => { if (!seen.has(item.label)) { seen.add(item.label); items.push(item); } };
  const entries = data.panels.flatMap((p) => (KINDS[p.kind] ? KINDS[p.kind].legend(p, data) : []));
  if (entries.includes("groups")) data.groups.forEach((g) => add({ mark: "group", label: g.label, group: g }));
  entries.forEach((e) => { if (e !== "groups") add(e); });
  return items;
}

function drawMark(ctx, item, X, Y, s) {
  switch (item.mark) {
    case "group": {
      const g = item.group;
      ctx.strokeStyle = g.color; ctx.lineWidth = 1.8 * s; ctx.setLineDash(g.dash.map((d) => d * s));
      ctx.beginPath(); ctx.moveTo(X - 14 * s, Y); ctx.lineTo(X + 14 * s, Y); ctx.stroke(); ctx.setLineDash([]);
      shape(ctx, g.marker, X, Y, 5 * s); ctx.fillStyle = g.color; ctx.fill(); break;
    }
    case "line":
      ctx.strokeStyle = item.color; ctx.lineWidth = item.width * s; ctx.setLineDash((item.dash || []).map((d) => d * s));
      ctx.beginPath(); ctx.moveTo(X - 14 * s, Y); ctx.lineTo(X + 14 * s, Y); ctx.stroke(); ctx.setLineDash([]); break;
    case "ring": shape(ctx, "o", X, Y, 8.5 * s); ctx.strokeStyle = "#000"; ctx.lineWidth = 2 * s; ctx.stroke(); break;
    case "hollow": shape(ctx, "o", X, Y, 5 * s); ctx.strokeStyle = "#555"; ctx.lineWidth = 1.5 * s; ctx.stroke(); break;
    case "cross": cross(ctx, X, Y, 6 * s, 3 * s); break;
    case "star": shape(ctx, "*", X, Y, 10 * s); ctx.fillStyle = VERMILLION; ctx.fill(); break;
    default: break;
  }
}

// rows of legend items that fit in ``width``: [[{item, x}], ...]
function legendRows(ctx, items, width, s) {
  const rows = [[]];
  let x = 0;
  for (const item of items) {
    const w = 34 * s + ctx.measureText(item.label).width;
    if (x > 0 && x + w > width) { rows.push([]); x = 0; }
    rows[rows.length - 1].push({ item, x });
    x += w + 18 * s;
  }
  return rows;
}

// How tall the picture may be: what is left of the notebook's visible height once the rest of
// the dashboard (controls, status) has its room, so the controls and the legend show together.
function roomLeft(view) {
  const scroller = view.el.closest(".jp-WindowedPanel-outer, .jp-Notebook, .jp-OutputArea-output");
  const visible = scroller && scroller.clientHeight > 200 ? scroller.clientHeight : window.innerHeight;
  const panel = view.el.closest(".govsim-dashboard") || view.el;
  const rest = panel.getBoundingClientRect().height - view.canvas.getBoundingClientRect().height;
  return visible - rest - 16;
}

// Phones: one panel per row at the full width, squares as wide as their column, the other plots
// 0.6 of their width tall; the page scrolls, so the visible height sets nothing.
function stacked(ctx, data, f, W, s, font) {
  const panels = data.panels.filter((p) => KINDS[p.kind]);
  ctx.font = font(12);
  const rows = legendRows(ctx, legendItems(data), W - 40 * s, s);
  const legendH = (10 + 26 * rows.length) * s;
  let y = 0;
  const boxes = panels.map((p) => {
    const m = KINDS[p.kind].margins(s), width = Math.max(60 * s, W - m.left - m.right);
    ctx.font = font(13, true);
    const title = wrapText(ctx, KINDS[p.kind].title(p, data, f), W - m.left - 4 * s);
    const top = y + (14 + 16 * Math.max(1, title.length)) * s;
    const size = Math.round(KINDS[p.kind].square ? width : Math.max(150 * s, 0.6 * width));
    const box = { panel: p, title, slot: [0, W], rows: [y, top + size + m.bottom], left: m.left, top, size, width };
    y = top + size + m.bottom;
    return box;
  });
  return { boxes, rows, legendH, H: Math.round(y + legendH) };
}

function layout(ctx, data, f, W, s, font, room) {
  // titles wrap (never cut); square panels (the policy space) as big as the height allows, the
  // others share the rest of the width; the canvas is as tall as its content, no blank band
  const panels = data.panels.filter((p) => KINDS[p.kind]);
  const squares = panels.filter((p) => KINDS[p.kind].square).length, flex = panels.length - squares;
  const margins = panels.map((p) => KINDS[p.kind].margins(s));
  const across = margins.reduce((a, m) => a + m.left + m.right, 0);
  ctx.font = font(12);
  const rows = legendRows(ctx, legendItems(data), W - 40 * s, s);
  const legendH = (10 + 26 * rows.length) * s;
  const bottom = Math.max(...margins.map((m) => m.bottom), 0);
  const widthCap = squares ? (flex ? 0.4 * W : (W - across) / squares) : W;
  // two passes: the titles' lines set the top, which sets the size, which sets where titles wrap
  let widths = panels.map(() => (W - across) / Math.max(1, panels.length)), plan = null;
  for (let pass = 0; pass < 2; pass++) {
    ctx.font = font(13, true);
    const titles = panels.map((p, k) => wrapText(ctx, KINDS[p.kind].title(p, data, f), widths[k] + margins[k].right - 4 * s));
    const top = (14 + 16 * Math.max(1, ...titles.map((t) => t.length))) * s;
    const size = Math.round(Math.max(150 * s, Math.min(widthCap, room - top - bottom - legendH, 0.62 * W)));
    const flexWidth = (W - across - squares * size) / Math.max(1, flex);
    widths = panels.map((p) => (KINDS[p.kind].square ? size : flexWidth));
    let x = 0;
    const boxes = panels.map((p, k) => {
      const m = margins[k], width = widths[k];
      const box = { panel: p, title: titles[k], slot: [x, x + m.left + width + m.right], left: x + m.left, top, size, width };
      x += m.left + width + m.right;
      return box;
    });
    plan = { boxes, rows, legendH, H: Math.round(top + size + bottom + legendH) };
  }
  return plan;
}

function draw(view) {
  const { model, canvas, status } = view;
  const data = model.get("data") || {};
  const frames = data.frames || [];
  const big = model.get("projector");
  let s = big ? 1.6 : 1;
  const font = (px, bold) => `${bold ? "bold " : ""}${Math.round(px * s)}px sans-serif`;
  // read the sizes before writing anything: a read after a write makes the browser lay out the page
  const wide = view.el.clientWidth || 1040, narrow = wide < NARROW;
  const W = Math.round(narrow ? Math.max(240, wide) : Math.min(1700, wide));
  const room = narrow ? 0 : roomLeft(view);
  const ctx = canvas.getContext("2d");
  instrument(ctx, view);
  view.texts = []; view.slot = [0, W, 0, 1e9];
  status.style.fontSize = `${Math.round(15 * s)}px`;
  if (!frames.length) { status.textContent = said(data, "no_run"); return 0; }
  const shown = player(model).frame;
  const i = Math.max(0, Math.min(frames.length - 1, (shown === null ? model.get("frame") : shown) | 0));
  const f = frames[i];
  status.textContent = f.status;
  if (narrow) s = Math.max(s, PHONE);
  const plan = (narrow ? stacked : layout)(ctx, { ...data, panels: data.panels || [] }, f, W, s, font, room);
  const H = plan.H, dpr = window.devicePixelRatio || 1;
  if (canvas.width !== W * dpr || canvas.height !== H * dpr) {
    canvas.width = W * dpr; canvas.height = H * dpr;
    canvas.style.width = W + "px"; canvas.style.height = H + "px";
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  for (const box of plan.boxes) {
    view.slot = [...box.slot, ...(box.rows || [0, H - plan.legendH])];  // a panel's texts stay in its place, above the legend
    ctx.font = font(13, true); ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    box.title.forEach((line, k) => ctx.fillText(line, box.left, box.top - 8 * s - (box.title.length - 1 - k) * 16 * s));
    KINDS[box.panel.kind].draw(ctx, box, box.panel, data, i, s, font, big);
  }
  view.slot = [0, W, H - plan.legendH, H];
  ctx.font = font(12); ctx.textAlign = "left"; ctx.textBaseline = "middle";
  plan.rows.forEach((row, r) => {
    const y = H - plan.legendH + (18 + 26 * r) * s;
    for (const { item, x } of row) {
      drawMark(ctx, item, 20 * s + x + 14 * s, y, s);
      ctx.fillStyle = "#222"; ctx.fillText(item.label, 20 * s + x + 34 * s, y);
    }
  });
  ctx.textBaseline = "alphabetic";
  view.clipped = clippedTexts(view, W, H);
  view.minFont = Math.min(...view.texts.map((b) => b.px));
  return i;
}

// Play in the browser: one player per widget model (shared by all its views on the page).
function player(model) {
  if (!model.__govsimPlayer) model.__govsimPlayer = { frame: null, timer: null, version: null, views: new Set() };
  return model.__govsimPlayer;
}

// The round slider ("slider", a widget reference): moved by a hand, it shows that round at once
// (and tells the kernel); moved by the kernel, the kernel has set "frame" itself.
function followSlider(model, p, repaint) {
  const ref = model.get("slider");
  if (!ref || !model.widget_manager) return;
  model.widget_manager.get_model(String(ref).replace("IPY_MODEL_", "")).then((slider) => {
    p.slider = slider;
    slider.on("change:value", () => {
      const fromKernel = slider._state_lock && "value" in slider._state_lock;
      if (p.moving || fromKernel) return;
      const at = slider.get("value");
      if (p.timer !== null) { p.frame = at; repaint(); return; }
      model.set("frame", at);
      model.save_changes();
    });
  });
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
  model.on("change:frame", () => {  // the round moved while playing: play on from there
    if (p.timer !== null && !p.setting) p.frame = model.get("frame");
  });
  followSlider(model, p, repaint);
  const moveTo = (n) => {
    p.frame = n;
    if (p.slider) {  // the round slider follows Play, in the browser only (the kernel hears at Pause)
      p.moving = true;
      p.slider.set("value", n);
      p.moving = false;
    }
    repaint();
  };
  const tick = () => {
    if (!model.get("playing")) return;
    const next = (p.frame === null ? model.get("frame") : p.frame) + 1;
    if (next > last()) { finish(); return; }
    moveTo(next);
    p.timer = setTimeout(tick, 1000 / Math.max(1, model.get("speed")));
  };
  model.on("change:playing", () => {
    if (!model.get("playing")) { finish(); return; }
    if (p.timer !== null) return;
    p.version = model.get("version");
    if (model.get("frame") >= last()) { moveTo(0); p.timer = setTimeout(tick, 1000 / Math.max(1, model.get("speed"))); }
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
  const view = { model, el, canvas, status, pending: false, texts: [], slot: [0, 0], clipped: [] };
  const paint = () => {
    if (view.pending) return;
    view.pending = true;
    requestAnimationFrame(() => {
      view.pending = false;
      const started = performance.now();
      const frame = draw(view);
      hideFallback();
      const version = model.get("version");
      el.dataset.frame = String(frame);
      el.dataset.projector = model.get("projector") ? "1" : "0";
      el.dataset.version = String(version);
      el.dataset.clipped = view.clipped.join(" | ");  // names cut off in the picture (none: "")
      el.dataset.minFont = String(Math.round(10 * view.minFont) / 10);  // the smallest text drawn, CSS px
      el.dataset.drawn = view.texts.map((b) => b.text).join("\n");  // every string drawn, for a test to read
      canvas.setAttribute("aria-label", status.textContent);
      const now = performance.now();
      window.__govsimPaints = window.__govsimPaints || [];
      window.__govsimPaints.push({ frame, version, time: now, draw: now - started });
      if (window.__govsimPaints.length > 2000) window.__govsimPaints.splice(0, 1000);
    });
  };
  const events = ["change:frame", "change:data", "change:version", "change:projector"];
  events.forEach((e) => model.on(e, paint));
  const play = wirePlayer(model);
  play.views.add(paint);
  // a new width, or the rest of the dashboard or the notebook's visible height changing size
  const resized = new ResizeObserver(() => paint());
  resized.observe(el);
  requestAnimationFrame(() => {
    for (const near of [el.closest(".govsim-dashboard"), el.closest(".jp-WindowedPanel-outer")]) if (near) resized.observe(near);
  });
  paint();
  return () => { events.forEach((e) => model.off(e, paint)); play.views.delete(paint); resized.disconnect(); };
}

export default { render };
