// govsim's room pages (see govsim/room/serve.py): a participant's page (Explore | Predict |
// Exercises), the facilitator's page and the projector's, each talking JSON to /api/... .
// Every string from the server is written with textContent (never innerHTML), so a name or an
// answer is shown as typed and never runs. The Explore tab draws with the dashboard's own
// run_view.js (an anywidget module) through a small model shim (get/set/on/off/save_changes).
// The connection watch is the role-play's: /rp/alive's boot id; a "connection lost" banner
// while the server does not answer; one reload when it answers with a new boot id.
// No word of the pages is written here: every one comes from the server, in the page's language
// (govsim/room/words.py, the JSON block #govsim-words), and numbers are written and read in
// the page's locale (Intl.NumberFormat; a typed number may use the locale's decimal comma).
import runView from "/rs/run_view.js";

const page = document.body.dataset.page;
const query = new URLSearchParams(location.search);
const KEY = query.get("key");
const CODE = query.get("code");
const app = document.getElementById("app");
const banner = document.querySelector(".banner");
const CONF = JSON.parse(document.getElementById("govsim-words").textContent);
const W = CONF.words;
const LANG = CONF.lang;
const LOCALE = (() => { try { return Intl.getCanonicalLocales(CONF.locale)[0]; } catch (err) { return "en"; } })();

// ---------------------------------------------------------------- words and numbers
function t(key, vars = {}) {  // the page's word ``key``, its {fields} filled
  const said = W[key];
  if (said === undefined) throw new Error(`no word ${key}`);
  return String(said).replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
}

function tn(key, n, vars = {}) {  // a word that depends on a count: the locale's plural form
  const forms = W[key];
  const form = new Intl.PluralRules(LOCALE).select(n);
  const said = forms[form] !== undefined ? forms[form] : forms.other;
  return String(said).replace(/\{(\w+)\}/g, (all, name) => (name === "n" ? fmt(n) : name in vars ? String(vars[name]) : all));
}

function fmt(value, options = {}) {  // a number in the page's locale
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 6, ...options }).format(value);
}

function pct(share) { return fmt(share, { style: "percent", maximumFractionDigits: 0 }); }

function readNumber(text) {  // a typed number in the page's locale (or with a dot); NaN if unreadable
  let said = String(text).trim().replace(/[\s\u00a0\u202f]/g, "").replace(/^\u2212/, "-");
  if (CONF.group && CONF.group !== CONF.point && CONF.group.trim()) said = said.split(CONF.group).join("");
  if (CONF.point !== ".") said = said.replace(CONF.point, ".");
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(said) ? Number(said) : NaN;
}

function withLang(path) { return `${path}${path.includes("?") ? "&" : "?"}lang=${encodeURIComponent(LANG)}`; }

// ---------------------------------------------------------------- small helpers
function h(tag, attrs = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

function clear(node, ...kids) { node.replaceChildren(...kids.flat().filter((k) => k)); return node; }

class Lost extends Error {}

async function api(path, body) { return (await request(path, body)).data; }

async function request(path, body) {  // {status, data}; throws Lost when the server does not answer
  let reply;
  try {
    reply = await fetch(withLang(path), body === undefined ? { cache: "no-store" } : {
      method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  } catch (err) {
    connection.lost();
    throw new Lost("no answer from the server");
  }
  connection.fine();
  let data = {};
  try { data = await reply.json(); } catch (err) { data = { error: t("server_answered", { status: reply.status }) }; }
  if (!reply.ok && !data.error) data.error = t("server_answered", { status: reply.status });
  return { status: reply.status, data };
}

// ---------------------------------------------------------------- writes kept until confirmed
// Every write a participant's page makes (settings, a prediction, an answer) goes through the
// outbox: kept in this browser (localStorage, by participant key) with a write id until the
// server confirms it (or refuses it for good: a 4xx other than 429), sent in order, and sent
// again after an outage or a reload; the server does each write id once (the room file's
// ``writes``), so a write whose first sending was committed is not doubled. The header says
// "Saved" or how many changes are not saved yet.
const outbox = {
  key: `govsim-room-outbox-${KEY}`,
  waiting: new Map(),  // write id -> [resolve, held]
  busy: false,
  shown: null,
  list() { try { return JSON.parse(localStorage.getItem(this.key) || "[]"); } catch (err) { return []; } },
  keep(items) { try { localStorage.setItem(this.key, JSON.stringify(items)); } catch (err) { /* private mode: memory only */ } this.items = items; this.say(); },
  held: false,  // a write could not be sent (no answer, or not confirmed): said until all are
  say() {  // "Saved.", or how many changes wait; nothing while a write is simply on its way
    if (!this.shown) return;
    const n = this.list().length;
    if (!n) this.held = false;
    this.shown.textContent = n ? (this.held ? tn("not_saved", n) : "") : t("saved");
    this.shown.className = `saved${n && this.held ? " pending" : ""}`;
  },
  write(path, body, held = () => {}) {  // the server's reply once it confirms the write
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    let items = this.list();
    if (path === "/api/explore") {  // newer settings replace older ones not yet sent (never the one on its way)
      const superseded = items.filter((item, n) => item.path === path && (n > 0 || !this.busy));
      for (const item of superseded) { const w = this.waiting.get(item.id); this.waiting.delete(item.id); if (w) w[0]({ superseded: true }); }
      items = items.filter((item) => !superseded.includes(item));
    }
    items.push({ id, path, body: { ...body, write: id } });
    this.keep(items);
    const done = new Promise((resolve) => this.waiting.set(id, [resolve, held]));
    this.flush();
    return done;
  },
  async flush() {
    if (this.busy) return;
    this.busy = true;
    let retry = false;
    try {
      for (;;) {
        const items = this.list();
        if (!items.length) break;
        const item = items[0];
        let answer;
        try { answer = await request(item.path, item.body); } catch (err) {
          if (!(err instanceof Lost)) throw err;
          this.held = true;
          for (const [, held] of this.waiting.values()) held();
          break;  // the connection watch calls flush() again when the server answers
        }
        if (answer.status === 429 || answer.status >= 500) {  // not confirmed: later, in order
          this.held = true;
          for (const [, held] of this.waiting.values()) held();
          retry = true;
          break;
        }
        this.keep(this.list().filter((i) => i.id !== item.id));
        const w = this.waiting.get(item.id);
        this.waiting.delete(item.id);
        if (w) w[0](answer.data);
      }
    } finally {
      this.busy = false;
      this.say();
    }
    if (retry) setTimeout(() => this.flush(), 2000);
  },
};

// ---------------------------------------------------------------- the connection watch
const connection = {
  boot: null, down: false, reloading: false, tries: 0,
  async start() {
    try { this.boot = (await (await fetch("/rp/alive", { cache: "no-store" })).json()).boot; } catch (err) { /* later */ }
  },
  say(text) { banner.textContent = text; banner.hidden = false; },
  fine() {
    if (!this.down) return;
    this.down = false; this.tries = 0; banner.hidden = true;
    if (KEY) outbox.flush();
  },
  lost() {
    if (this.down) return;
    this.down = true;
    this.say(t("lost"));
    this.recover();
  },
  async recover() {
    if (!this.down || this.reloading) return;
    try {
      const info = await (await fetch("/rp/alive", { cache: "no-store" })).json();
      if (this.boot && info.boot !== this.boot) {  // the server restarted: start the page afresh, once
        this.reloading = true;
        location.reload();
        return;
      }
      this.boot = this.boot || info.boot;
      this.fine();
      return;
    } catch (err) { /* not back yet */ }
    const pause = Math.min(1000, 250 * 2 ** this.tries++) * (0.5 + Math.random() / 2);  // back within a second
    setTimeout(() => this.recover(), pause);
  },
};

function every(seconds, job) {
  const run = async () => {
    try { await job(); } catch (err) { if (!(err instanceof Lost)) console.error(err); }
    setTimeout(run, seconds * 1000);
  };
  setTimeout(run, seconds * 1000);
}

// ---------------------------------------------------------------- the run view, outside Jupyter
// run_view.js expects an anywidget model; this is the part of that interface it uses.
function modelShim(state) {
  const listeners = {};
  return {
    get: (name) => state[name],
    set(name, value) { state[name] = value; (listeners[`change:${name}`] || []).slice().forEach((f) => f()); },
    save_changes() {},
    on(event, f) { (listeners[event] = listeners[event] || []).push(f); },
    off(event, f) { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
  };
}

function runViewer(host) {
  const model = modelShim({ data: {}, frame: 0, playing: false, speed: 8, projector: false, version: 0, slider: null });
  const round = h("input", { type: "range", min: 0, max: 0, step: 1, value: 0, class: "round", "aria-label": t("round_shown") });
  const sliderShim = modelShim({ value: 0 });
  sliderShim.on("change:value", () => { round.value = String(sliderShim.get("value")); });
  round.addEventListener("input", () => sliderShim.set("value", Number(round.value)));
  model.set("slider", "IPY_MODEL_round");
  model.widget_manager = { get_model: async () => sliderShim };
  const play = h("button", { type: "button", class: "play", onclick: () => model.set("playing", !model.get("playing")) }, t("play"));
  model.on("change:playing", () => { play.textContent = model.get("playing") ? t("pause") : t("play"); });
  const canvasHost = h("div", { class: "view" });
  host.append(h("div", { class: "player" }, play, round), canvasHost);
  runView.render({ model, el: canvasHost });
  return {
    show(run, version) {
      const last = Math.max(0, (run.frames || []).length - 1);
      model.set("playing", false);
      model.set("frame", 0);  // a shorter run (another scenario) never draws a frame it lacks
      round.max = String(last);
      model.set("data", run);
      model.set("version", version);
      sliderShim.set("value", last);
      model.set("frame", last);
    },
    el: canvasHost,
  };
}

// ---------------------------------------------------------------- a participant's page
const WORDED = ["scenario", "protocol", "seed"];  // controls named in words; the others by their code name

function controlInput(control, value, onChange) {
  // ``exact`` is the control's value as the server gave it (a default off the slider's step
  // grid stays exactly what it is); the range input only shows it. It changes when the
  // participant moves the control (``touched``) or the server writes a value (write()).
  let exact = value, touched = false;
  const id = `c-${control.name}`;
  const named = WORDED.includes(control.name) ? control.label : h("code", { translate: "no" }, control.name);
  const label = h("label", { for: id }, named, control.unit ? ` (${control.unit})` : "");
  const choices = control.choices || [];
  let input, readout = null, typed = false;
  if (choices.length) {  // a rule in words with its code name (control.words, from the server); scenario code names
    const words = control.words || [];
    input = h("select", { id, name: control.name, translate: words.length ? "yes" : "no" },
      choices.map((c, i) => h("option", { value: String(c), selected: String(c) === String(value) }, words[i] || String(c))));
  } else if (control.kind === "bool") {
    input = h("input", { id, name: control.name, type: "checkbox", checked: Boolean(value) });
  } else if ((control.max - control.min) / (control.step || 1) > 1000) {  // a seed: typed, not slid
    typed = true;
    input = h("input", { id, name: control.name, type: "text", inputmode: control.kind === "int" ? "numeric" : "decimal",
      autocomplete: "off", value: fmt(value, { useGrouping: false }) });
  } else {
    input = h("input", { id, name: control.name, type: "range", min: control.min, max: control.max, step: control.step || "any", value });
    readout = h("output", { for: id }, fmt(Number(value)));
    input.addEventListener("input", () => { exact = Number(input.value); touched = true; readout.textContent = fmt(exact); });
  }
  const why = h("small", { class: "unread" });
  let reason = "", wrong = "";
  const say = () => { why.textContent = wrong || reason; input.setAttribute("aria-invalid", wrong ? "true" : "false"); };
  const valid = () => {  // a typed number: read in the locale, refused visibly when unreadable or out of range
    if (!typed) return true;
    const n = readNumber(input.value);
    const bounds = { text: input.value, low: fmt(control.min, { useGrouping: false }), high: fmt(control.max, { useGrouping: false }) };
    wrong = Number.isNaN(n) || (control.kind === "int" && !Number.isInteger(n)) ? t("not_a_number", { ...bounds, point: CONF.point })
      : n < control.min || n > control.max ? t("out_of_range", bounds) : "";
    say();
    return !wrong;
  };
  const read = () => {
    if (choices.length) {
      const found = choices.find((c) => String(c) === input.value);
      return found === undefined ? input.value : found;
    }
    if (control.kind === "bool") return input.checked;
    return typed ? readNumber(input.value) : exact;
  };
  input.addEventListener("change", () => {
    touched = true;
    if (readout) exact = Number(input.value);
    if (valid()) onChange(control.name, read());
  });
  const write = (v) => {  // the server's value, kept exactly
    exact = v;
    if (control.kind === "bool") input.checked = Boolean(v);
    else input.value = typed ? fmt(Number(v), { useGrouping: false }) : String(v);
    if (readout) readout.textContent = fmt(Number(v));
    if (typed) valid();
  };
  const disable = (why) => { input.disabled = Boolean(why); reason = why; say(); };
  const meaning = WORDED.includes(control.name) ? null : h("small", { class: "meaning" }, control.help || "");
  const node = h("div", { class: "control", title: control.help || null },
    h("div", { class: "label-row" }, label, readout), meaning, input, why);
  return { node, read, write, disable, valid, touched: () => touched, name: control.name, main: control.main };
}

async function participantPage() {
  await outbox.flush();  // writes kept from before a reload or a restart go first, in order
  const me = await api(`/api/me?key=${encodeURIComponent(KEY)}`);
  if (me.error) { clear(app, h("p", { class: "error" }, me.error)); return; }
  const tabs = {}, panels = {};
  const tabBar = h("nav", { class: "tabs", role: "tablist" });
  const show = (name) => {
    for (const [n, b] of Object.entries(tabs)) {
      b.setAttribute("aria-selected", n === name ? "true" : "false");
      panels[n].hidden = n !== name;
    }
    document.body.dataset.tab = name;
  };
  for (const [name, title] of [["explore", t("explore")], ["predict", t("predict")], ["exercises", t("exercises")]]) {
    tabs[name] = h("button", { type: "button", role: "tab", class: `tab tab-${name}`, onclick: () => show(name) }, title);
    panels[name] = h("section", { class: `panel panel-${name}`, role: "tabpanel" });
    tabBar.append(tabs[name]);
  }
  outbox.shown = h("p", { class: "saved", "aria-live": "polite" });
  outbox.say();
  clear(app, h("header", {}, h("h1", {}, "govsim"), h("p", { class: "who" }, t("you", { name: me.name })), outbox.shown), tabBar, ...Object.values(panels));

  // -- Explore
  const saved = me.settings || {};
  // what this participant chose (their saved settings, then each control they change): the
  // page sends only these; the server completes the rest with the scenario's own values
  let changed = { ...saved };
  const inputs = [];
  let asked = 0;
  const status = h("p", { class: "status", "aria-live": "polite" });
  const message = h("p", { class: "message", "aria-live": "polite" });
  const viewer = h("div", { class: "viewer" });
  const explore = async () => {
    if (!inputs.every((c) => c.valid())) return;  // a typed number the page cannot read: said beside it
    const mine = ++asked;
    message.textContent = t("running");
    const reply = await outbox.write("/api/explore", { key: KEY, settings: { ...changed } }, () => {
      if (mine === asked) message.textContent = t("held");
    });
    if (mine !== asked || reply.superseded) return;  // a newer change is on its way
    if (reply.error) { message.textContent = reply.error; return; }
    message.textContent = "";
    for (const c of inputs) if (reply.settings && c.name in reply.settings) c.write(reply.settings[c.name]);
    status.textContent = reply.status || "";
    const unread = reply.unread || {};
    for (const c of inputs) c.disable(unread[c.name] || "");
    view.show(reply.recording, mine);
  };
  for (const control of me.controls) {
    const value = control.name in saved ? saved[control.name] : control.default;
    inputs.push(controlInput(control, value, (name, chosen) => {
      // a new scenario brings its own rule and values, as the notebook's dashboard does; the seed stays
      changed = name === "scenario" ? { scenario: chosen, ...("seed" in changed ? { seed: changed.seed } : {}) }
        : { ...changed, [name]: chosen };
      explore();
    }));
  }
  const first = ["scenario", "protocol", "seed"];
  const main = inputs.filter((c) => first.includes(c.name) || c.main);
  const more = inputs.filter((c) => !main.includes(c));
  panels.explore.append(h("div", { class: "controls" }, main.map((c) => c.node),
    more.length ? h("details", { class: "more" }, h("summary", {}, t("more_settings", { n: fmt(more.length) })), more.map((c) => c.node)) : null),
    message, status, viewer);
  const view = runViewer(viewer);
  explore();

  // -- Predict
  const predict = panels.predict;
  let poll = me.poll;
  const drawPoll = () => {
    if (!poll) { clear(predict, h("p", {}, t("no_question"))); return; }
    const labels = poll.labels || {};
    const said = h("p", { class: "mine", "aria-live": "polite" },
      poll.mine ? t("your_prediction", { option: optionWords(poll.mine, labels) }) : t("not_predicted"));
    const buttons = poll.options.map((option) => h("button", {
      type: "button", class: `option${poll.mine === option ? " chosen" : ""}`, "aria-pressed": poll.mine === option ? "true" : "false",
      onclick: async () => {
        const reply = await outbox.write("/api/predict", { key: KEY, poll: poll.id, value: option }, () => {
          said.textContent = t("held_prediction", { option: optionWords(option, labels) });
        });
        if (reply.error) { said.textContent = reply.error; return; }
        poll = reply.poll; drawPoll();
      },
    }, optionWords(option, labels)));
    const answer = poll.revealed && poll.answer ? h("div", { class: "answer" }, h("h3", {}, t("model_answer")), answerView(poll.answer)) : null;
    clear(predict, h("h2", {}, poll.text), h("div", { class: "options" }, buttons), said, answer);
  };
  drawPoll();

  // -- Exercises
  const answers = me.answers || {};
  const cards = {};
  if (LANG !== "en") panels.exercises.append(h("p", { class: "in-english" }, t("in_english")));
  for (const q of me.exercises) {
    const said = h("p", { class: "result", "aria-live": "polite" });
    const field = h("input", { type: "text", name: q.qid, id: `a-${q.qid}`, autocomplete: "off", maxlength: 200,
      inputmode: q.kind === "number" ? "decimal" : "text", "aria-label": t("answer_to", { qid: q.qid }),
      placeholder: q.kind === "number" ? (q.unit === "percent" ? t("a_percentage") : q.unit === "share" ? t("a_share", { half: fmt(0.5) }) : t("a_number")) : t("your_answer") });
    const send = async (text) => {
      said.textContent = ""; said.className = "result";
      const reply = await outbox.write("/api/answer", { key: KEY, qid: q.qid, text }, () => {
        said.textContent = t("held_answer"); said.className = "result held"; said.removeAttribute("lang");
      });
      if (reply.error) {  // in the page's language
        said.textContent = reply.error; said.className = "result error"; said.removeAttribute("lang"); said.removeAttribute("translate");
        return;
      }
      showResult(reply);
    };
    const showResult = (a) => {
      const r = a.result || {};
      // the line ``check`` prints in the notebook: "✓ ex3.q1: Correct. ..."
      const icon = r.correct ? "✓" : r.status === "Answer recorded" ? "✎" : "✗";
      said.textContent = `${icon} ${q.qid}: ${r.status || ""}.${r.message ? ` ${r.message}` : ""}`;
      said.className = `result ${r.correct ? "correct" : "wrong"}`;
      said.setAttribute("lang", "en"); said.setAttribute("translate", "no");  // the notebooks' check, in English
      field.value = a.text || "";
    };
    const form = h("form", { class: "answer-form", onsubmit: (e) => { e.preventDefault(); send(field.value); } },
      field, h("button", { type: "submit" }, t("check")));
    const options = (q.options || []).map((o) => (Array.isArray(o) ? o : [o, o]));
    const yesNo = q.kind === "yes/no";  // its words come in the page's language; a choice's in English
    const picks = options.length ? h("div", { class: "options choices" }, options.map(([key, words]) =>
      h("button", { type: "button", class: "option choice", lang: yesNo ? null : "en", translate: yesNo ? null : "no",
        onclick: () => { field.value = key; send(key); } },
        key === words || yesNo ? words : `${key}: ${words}`))) : null;
    cards[q.qid] = h("article", { class: "exercise", id: `q-${q.qid}`, "data-qid": q.qid },
      h("h3", { translate: "no" }, q.qid), h("p", { class: "text", lang: "en", translate: "no" }, q.text), picks, form, said);
    if (answers[q.qid]) showResult(answers[q.qid]);
    panels.exercises.append(cards[q.qid]);
  }

  // -- pushes from the facilitator, and the heartbeat
  const seenKey = `govsim-room-push-${KEY}`;
  let seenPush = Number(localStorage.getItem(seenKey) || (me.push ? me.push.id : 0));
  const apply = (push) => {
    if (!push || push.id <= seenPush) return;
    seenPush = push.id;
    localStorage.setItem(seenKey, String(push.id));
    if (push.kind === "settings") {
      changed = { ...push.payload.settings };
      for (const c of inputs) if (c.name in push.payload.settings) c.write(push.payload.settings[c.name]);
      show("explore");
      explore();
    } else if (push.kind === "question" && push.payload.poll) {
      show("predict");
    } else if (push.kind === "question" && cards[push.payload.qid]) {
      show("exercises");
      cards[push.payload.qid].classList.add("pushed");
      cards[push.payload.qid].scrollIntoView({ block: "start" });
    } else if (push.kind === "reveal") {
      show("predict");
    }
  };
  show(poll ? "predict" : "explore");
  every(me.poll_s || 2, async () => {
    const state = await api(`/api/state?key=${encodeURIComponent(KEY)}`);
    if (state.error) return;
    const before = JSON.stringify(poll);
    poll = state.poll;
    if (JSON.stringify(poll) !== before) drawPoll();
    apply(state.push);
  });
}

function answerView(answer) {
  // the model's answer: the sentence for the projector, then the share of seeds for each option
  const parts = [];
  const sentence = answer.sentence || answer.text || answer.summary;
  if (sentence) parts.push(h("p", { class: "sentence" }, String(sentence)));
  const shares = answer.shares || answer.share || {};
  const rows = Object.entries(shares).map(([option, share]) =>
    h("tr", {}, h("th", {}, option), h("td", {}, t("of_seeds", { share: pct(Number(share)) }))));
  if (rows.length) parts.push(h("table", { class: "shares" }, rows));
  return parts;
}

function optionWords(option, labels) {  // "↑ higher": the option with its words, once
  const words = (labels || {})[option];
  if (!words) return option;
  return words.startsWith(option) ? words : `${option} ${words}`;
}

// ---------------------------------------------------------------- the facilitator's page
async function facilitatorPage() {
  const room = await api(`/api/room?code=${encodeURIComponent(CODE)}`);
  if (room.error) { clear(app, h("p", { class: "error" }, room.error)); return; }
  const act = async (body, said) => {
    const reply = await api("/api/act", { code: CODE, ...body });
    said.textContent = reply.error ? reply.error : t("done");
    await refresh();
    return reply;
  };
  const joined = h("p", { class: "joined" });
  const people = h("tbody");
  const pollBox = h("div", { class: "poll" });
  const choose = h("select", { "aria-label": t("question_to_pose"), "data-role": "pose" }, room.questions.map((q) => h("option", { value: q.qid }, q.text)));
  const poseSaid = h("span", { class: "said" });
  const pushSaid = h("span", { class: "said" });
  const exportSaid = h("p", { class: "said" });
  let pushing = {};  // the settings the facilitator changed: a push sends these, the server completes the rest
  const settingInputs = room.controls.map((c) => controlInput(c, c.default, (name, chosen) => {
    pushing = name === "scenario" ? { scenario: chosen } : { ...pushing, [name]: chosen };
  }));
  const exercise = h("select", { "aria-label": t("exercise_to_push"), lang: "en", translate: "no" },
    room.exercises.map((q) => h("option", { value: q.qid }, `${q.qid}: ${q.text}`)));
  clear(app,
    h("h1", {}, t("facilitator")),
    h("section", {}, h("h2", {}, t("joining")),
      h("p", {}, t("participants_open"), " ", h("code", { class: "join-address", translate: "no" }, room.join)),
      h("p", {}, h("a", { href: withLang(`/join-sheet?code=${encodeURIComponent(CODE)}`), target: "_blank" }, t("join_sheet"))),
      joined, h("table", { class: "people" }, h("thead", {}, h("tr", {}, h("th", {}, t("name")), h("th", {}, t("last_seen")), h("th", {}, t("predicted")))), people)),
    h("section", {}, h("h2", {}, t("predict_then_run")), choose,
      h("button", { type: "button", class: "pose", onclick: () => act({ action: "pose", qid: choose.value }, poseSaid) }, t("pose")),
      h("button", { type: "button", class: "reveal", onclick: () => act({ action: "reveal" }, poseSaid) }, t("reveal")),
      poseSaid, pollBox),
    h("section", {}, h("h2", {}, t("push_to_every_page")),
      h("div", { class: "controls" }, settingInputs.map((c) => c.node)),
      h("button", { type: "button", class: "push-settings", onclick: () => {
        if (!settingInputs.every((c) => c.valid())) return;
        act({ action: "push", kind: "settings", settings: { ...pushing } }, pushSaid);
      } }, t("push_settings")),
      h("div", {}, exercise, h("button", { type: "button", class: "push-question",
        onclick: () => act({ action: "push", kind: "question", qid: exercise.value }, pushSaid) }, t("push_exercise"))),
      pushSaid),
    h("section", {}, h("h2", {}, t("export")),
      h("a", { href: `/api/export?code=${encodeURIComponent(CODE)}`, download: "room.json", class: "button" }, t("download")),
      h("button", { type: "button", class: "export", onclick: async () => {
        const reply = await act({ action: "export" }, exportSaid);
        if (!reply.error) exportSaid.textContent = t("written", { folder: reply.folder, files: reply.files.join(", ") });
      } }, t("write_files")), exportSaid),
    h("section", {}, h("h2", {}, t("roleplay")),
      h("p", {}, h("a", { href: room.roleplay, target: "_blank" }, t("roleplay_controls")))),
  );
  const refresh = async () => {
    const now = await api(`/api/room?code=${encodeURIComponent(CODE)}`);
    if (now.error) return;
    joined.textContent = t("joined", { n: fmt(now.participants.length) });
    clear(people, now.participants.map((p) => h("tr", {},
      h("td", { class: "name", translate: "no" }, p.name),
      h("td", {}, p.seen === null ? t("never") : t("seconds_ago", { seconds: fmt(Math.round(p.seen)) })), h("td", {}, p.predicted ? "✓" : ""))));
    clear(pollBox, now.poll ? pollView(now.poll, now.seeds) : h("p", {}, t("no_question_posed")));
  };
  await refresh();
  every(2, refresh);
}

function pollView(poll, seeds) {
  const total = Math.max(1, poll.count || 0);
  const labels = poll.labels || {};
  const bars = Object.entries(poll.tally || {}).map(([option, n]) =>
    h("div", { class: "bar-row" }, h("span", { class: "words" }, optionWords(option, labels)),
      h("span", { class: "bar", style: `width: ${Math.round((60 * n) / total)}%` }), h("span", { class: "count" }, String(n))));
  const revealed = poll.revealed && poll.answer;
  document.body.classList.toggle("revealed", Boolean(revealed));  // the projector makes room for the answer
  return h("div", { class: `poll-view${revealed ? " revealed" : ""}` },
    h("h3", { class: "question" }, poll.text),
    h("div", { class: "room-said" }, h("p", { class: "count" }, tn("predictions", poll.count || 0)), h("div", { class: "tally" }, bars)),
    revealed ? h("div", { class: "answer" }, h("h3", {}, t("model_answer")), answerView(poll.answer)) : null);
}

// ---------------------------------------------------------------- the projector's page
async function projectorPage() {
  const refresh = async () => {
    const now = await api(`/api/room?code=${encodeURIComponent(CODE)}`);
    if (now.error) { clear(app, h("p", { class: "error" }, now.error)); return; }
    clear(app, h("div", { class: "join-box" },
      h("img", { src: `/join-qr.svg?code=${encodeURIComponent(CODE)}`, alt: t("qr_alt"), class: "qr" }),
      h("p", {}, t("join"), " ", h("code", { class: "join-address", translate: "no" }, now.join)),
      h("p", { class: "joined" }, t("joined", { n: fmt(now.joined) }))),
      now.poll ? pollView(now.poll, now.seeds) : h("p", { class: "waiting" }, t("no_question_posed")));
  };
  await refresh();
  every(2, refresh);
}

await connection.start();
const pages = { me: participantPage, facilitate: facilitatorPage, projector: projectorPage };
try {
  await pages[page]();
} catch (err) {
  if (!(err instanceof Lost)) throw err;
  every(2, async () => { if (!connection.down) location.reload(); });
}
document.body.dataset.ready = "1";
