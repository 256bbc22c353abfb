/* The gate phone page (卡口扫码), an ES module.
 *
 * Online, each scan or typed code is posted to the passage API and the server's answer shown
 * at once. Offline (the browser says so, or the post fails) a pass code is decided here: its
 * Ed25519 signature verified with @noble/ed25519 against the public key from gate_data, then
 * the revoked passes, its expiry, sealed households and the household's quota (what the server
 * counted when the data was pulled plus what this phone let out since). The passage is queued
 * in localStorage with its client UUID and offline_outcome and posted when back online; the
 * server answers 200 to a repeat, so nothing is recorded twice. ID numbers and person codes
 * cannot be checked offline. The camera (table-camera.js) is optional: typing always works.
 */
const cfgNode = document.getElementById("gate-config");
const cfg = JSON.parse(cfgNode.textContent);
const M = cfg.messages;
const $ = (id) => document.getElementById(id);
const fmt = (text, values) =>
  text.replace(/%\((\w+)\)s/g, (m, k) => (k in values ? String(values[k]) : m));
const KEY = {
  data: cfg.storage + ".data",
  queue: cfg.storage + ".queue",
  log: cfg.storage + ".log",
  revSince: cfg.storage + ".revsince",
};
const DAY = 86400000;

// Storage, client UUIDs and the CSRF token as the sampling table's queue has them
// (testing/table-queue.js, loaded before this module).
const { load, store, uuid4, csrfToken } = window.WanggeTable;

async function request(url, options, timeoutMs) {
  const opts = Object.assign({ credentials: "same-origin" }, options || {});
  opts.headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
  const ctrl = new AbortController();
  opts.signal = ctrl.signal;
  const timer = setTimeout(() => ctrl.abort(), timeoutMs || 8000);
  try {
    return await fetch(url, opts);
  } finally {
    clearTimeout(timer);
  }
}

function postJson(url, body) {
  return request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}

async function jsonOf(res) {
  try {
    return await res.json();
  } catch (e) {
    return null;
  }
}

function errorText(body, status) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (detail && typeof detail === "object") {
    const parts = [];
    Object.keys(detail).forEach((k) => parts.push(...[].concat(detail[k])));
    if (parts.length) return parts.join("；");
  }
  return M.error + " (" + status + ")";
}

// --- the data kept for offline use -------------------------------------------------------------

let data = cfg.data;
let offset = 0; // the server's clock minus this phone's
setData(cfg.data);
let log = load(KEY.log, []).filter((e) => e.at > Date.now() + offset - 3 * DAY);
const serverNow = () => Date.now() + offset;

function setData(fresh) {
  data = fresh;
  offset = Date.parse(fresh.now) - Date.now();
  store(KEY.data, fresh);
  store(KEY.revSince, fresh.now);
}

async function refreshData() {
  try {
    const res = await request(cfg.urls.data, {}, 8000);
    if (res.ok) {
      setData(await res.json());
      setNet(true);
    }
  } catch (e) {
    setNet(false);
  }
}

async function pullRevocations() {
  const since = load(KEY.revSince, data.now);
  try {
    const res = await request(cfg.urls.revocations + "?since=" + encodeURIComponent(since), {}, 8000);
    if (!res.ok) return;
    const body = await res.json();
    const known = new Set(data.revoked);
    body.revoked.forEach((id) => known.add(id));
    data.revoked = Array.from(known);
    store(KEY.data, data);
    store(KEY.revSince, body.now);
    setNet(true);
  } catch (e) {
    setNet(false);
  }
}

function localDay(ms) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: cfg.time_zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(ms));
  return parts.replace(/-/g, "");
}

// --- deciding a pass offline -------------------------------------------------------------------

// SHA-512 from @noble/hashes rather than the browser's WebCrypto, which exists only on https
// pages: a street office may serve its phones over plain http on its own network.
let noble = null;
async function ed() {
  if (!noble) {
    const [lib, sha2] = await Promise.all([import(cfg.urls.noble), import(cfg.urls.sha2)]);
    lib.hashes.sha512 = sha2.sha512;
    noble = lib;
  }
  return noble;
}

function unb64url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function genuine(token) {
  const cut = token.lastIndexOf(".");
  const body = token.slice(0, cut);
  const parts = body.split(".");
  if (parts.length !== 4 || parts[0] !== data.format || !/^\d{8}$/.test(parts[3])) return null;
  if (!/^\d+$/.test(parts[1]) || !/^\d+$/.test(parts[2])) return null;
  try {
    const lib = await ed();
    const ok = lib.verify(
      unb64url(token.slice(cut + 1)),
      new TextEncoder().encode(body),
      unb64url(data.key)
    );
    if (!ok) return null;
  } catch (e) {
    return null;
  }
  return { pass: Number(parts[1]), household: Number(parts[2]), until: parts[3] };
}

function usedOffline(household, now) {
  const rule = data.rule;
  if (!rule) return 0;
  const period = rule.period_days * DAY;
  let since = Date.parse(rule.since);
  let fromServer = data.used[String(household)] || 0;
  if (now >= since + period) {
    since += Math.floor((now - since) / period) * period; // a new period since the data
    fromServer = 0;
  }
  const fetched = Date.parse(data.now);
  const mine = log.filter(
    (e) =>
      e.hh === household && e.dir === "out" && e.outcome === "allowed" &&
      e.at >= since && e.at > fetched
  ).length;
  return fromServer + mine;
}

async function decideOffline(token, direction, temperature, healthCode) {
  const refuse = (code, reason, household) => ({ allowed: false, code, reason, household });
  if (!data.key) return refuse("no_key", M.no_key, null);
  const claim = await genuine(token);
  if (!claim) return refuse("forged", M.forged, null);
  const hh = claim.household;
  if (data.revoked.indexOf(claim.pass) >= 0) return refuse("revoked", M.revoked, hh);
  const now = serverNow();
  if (claim.until < localDay(now)) {
    const until = claim.until.slice(0, 4) + "-" + claim.until.slice(4, 6) + "-" + claim.until.slice(6);
    return refuse("expired", fmt(M.expired, { d: until }), hh);
  }
  if (temperature && Number(temperature) >= cfg.fever_at) return refuse("fever", M.refused, hh);
  if (healthCode === "red" || healthCode === "yellow") return refuse("health_code", M.refused, hh);
  if (direction === "out") {
    if (data.sealed.indexOf(hh) >= 0) return refuse("sealed", M.sealed, hh);
    const rule = data.rule;
    if (rule && usedOffline(hh, now) >= rule.persons) {
      const text =
        rule.period_days === 1
          ? fmt(M.quota_day, { n: rule.persons })
          : fmt(M.quota, { d: rule.period_days, n: rule.persons });
      return refuse("quota", text, hh);
    }
  }
  return { allowed: true, code: "", reason: "", household: hh };
}

// --- the offline queue -------------------------------------------------------------------------

let queue = load(KEY.queue, []);
let syncing = false;
const saveQueue = () => store(KEY.queue, queue);

function enqueue(url, body) {
  queue.push({ id: body.client_uuid, url: url, body: body, state: "pending" });
  saveQueue();
  renderHeader();
}

async function sync() {
  if (syncing || !navigator.onLine) return;
  syncing = true;
  try {
    for (const entry of queue.slice()) {
      if (entry.state !== "pending") continue;
      let res;
      try {
        res = await postJson(entry.url, entry.body);
      } catch (e) {
        setNet(false);
        break;
      }
      if (res.status === 200 || res.status === 201) {
        queue = queue.filter((e) => e.id !== entry.id);
        saveQueue();
        setNet(true);
        continue;
      }
      if (res.status >= 500 || res.status === 408 || res.status === 429) break;
      entry.state = "attention";
      entry.error = errorText(await jsonOf(res), res.status);
      saveQueue();
    }
  } finally {
    syncing = false;
    renderHeader();
  }
}

// --- the page ----------------------------------------------------------------------------------

let online = navigator.onLine;

function setNet(up) {
  online = up && navigator.onLine;
  renderHeader();
}

function renderHeader() {
  const net = $("gate-net");
  net.textContent = online ? M.online : M.offline;
  net.className = "badge fs-6 " + (online ? "text-bg-success" : "text-bg-secondary");
  const pending = queue.filter((e) => e.state === "pending").length;
  const attn = queue.filter((e) => e.state === "attention").length;
  $("gate-queued").hidden = !pending;
  $("gate-queued").textContent = fmt(M.queued, { n: pending });
  $("gate-attention").hidden = !attn;
  $("gate-attention").textContent = fmt(M.attention, { n: attn });
  $("gate-attention").title = queue
    .filter((e) => e.state === "attention")
    .map((e) => e.error)
    .join("\n");
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

const VERDICT = {
  allowed: M.allowed,
  refused: M.refused,
  green: M.green,
  turned_back: M.turned_back,
  error: M.error,
  unknown: M.refused,
};

function show(outcome, reason, who, tag) {
  const box = $("gate-answer");
  box.textContent = "";
  const card = el("div", "card wg-answer wg-" + outcome);
  const body = el("div", "card-body");
  body.appendChild(el("div", "wg-verdict", VERDICT[outcome] || outcome));
  if (reason) body.appendChild(el("div", "wg-reason", reason));
  if (who) body.appendChild(el("div", "wg-who", who));
  if (tag) body.appendChild(el("div", "wg-tag", tag));
  card.appendChild(body);
  box.appendChild(card);
  card.scrollIntoView({ block: "nearest" });
  if (outcome !== "allowed" && outcome !== "green" && navigator.vibrate) {
    navigator.vibrate([80, 60, 80]);
  }
}

function remember(household, direction, outcome, reason) {
  log.push({ hh: household, dir: direction, outcome: outcome, reason: reason || "", at: serverNow() });
  log = log.slice(-500);
  store(KEY.log, log);
  renderRecent();
}

function renderRecent() {
  const list = $("gate-recent");
  list.textContent = "";
  log.slice(-8).reverse().forEach((e) => {
    const time = new Date(e.at - offset).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const item = el("li", "list-group-item d-flex gap-2");
    item.appendChild(el("span", "text-body-secondary", time));
    item.appendChild(el("span", "fw-semibold", VERDICT[e.outcome] || e.outcome));
    item.appendChild(el("span", "text-truncate", e.reason));
    list.appendChild(item);
  });
}

const direction = () => (document.querySelector("input[name=direction]:checked") || {}).value || "out";
const value = (id) => ($(id) ? $(id).value.trim() : "");
const healthCode = () => (document.querySelector("input[name=health_code]:checked") || {}).value || "";

function clean(text) {
  return (text || "")
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, "");
}

// Which field a scanned or typed code goes in.
function who(code) {
  if (/^\d{17}[\dxX]$/.test(code) || /^\d{15}$/.test(code)) return { id_number: code };
  return { token: code };
}

let last = {}; // the last code checked: a turn-back or green channel names the same person

// Post now; on a network failure (or offline) call fallback(). Returns the JSON or null.
async function postOrFallback(url, body) {
  if (!navigator.onLine) return { offline: true };
  let res;
  try {
    res = await postJson(url, body);
  } catch (e) {
    setNet(false);
    return { offline: true };
  }
  if (res.status >= 500 || res.status === 408 || res.status === 429) return { offline: true };
  setNet(true);
  const json = await jsonOf(res);
  if (res.status === 200 || res.status === 201) return { ok: json };
  if (res.status === 401 || (res.status === 403 && !json)) return { error: M.login };
  return { error: errorText(json, res.status) };
}

async function check(event) {
  if (event) event.preventDefault();
  const code = clean($("gate-code").value);
  if (!code) {
    show("error", M.empty);
    return;
  }
  const dir = direction();
  const body = Object.assign(
    {
      direction: dir,
      plate: value("gate-plate"),
      temperature: value("gate-temp") || null,
      health_code: healthCode(),
      client_uuid: uuid4(),
      describe: true,
    },
    who(code)
  );
  last = who(code);
  $("gate-code").value = "";
  $("gate-turn-back").hidden = false;
  const answer = await postOrFallback(cfg.urls.passages, body);
  if (answer.ok) {
    const d = answer.ok;
    show(d.outcome, d.reason, d.who);
    remember(d.household_id, dir, d.outcome, d.reason);
    return;
  }
  if (answer.error) {
    show("error", answer.error);
    return;
  }
  // Offline: only a signed pass can be decided here.
  if (!body.token || body.token.indexOf(data.format + ".") !== 0) {
    show("unknown", M.offline_id);
    return;
  }
  const d = await decideOffline(body.token, dir, body.temperature, body.health_code);
  body.offline_outcome = d.allowed ? "allowed" : "refused";
  body.at = new Date(serverNow()).toISOString();
  body.describe = false;
  enqueue(cfg.urls.passages, body);
  const outcome = d.allowed ? "allowed" : "refused";
  show(outcome, d.reason, d.household ? fmt(M.household, { id: d.household }) : "", M.offline_tag);
  remember(d.household, dir, outcome, d.reason);
}

async function action(url, body, outcome, reason) {
  const answer = await postOrFallback(url, body);
  if (answer.ok) {
    show(answer.ok.outcome, answer.ok.reason, answer.ok.who);
    remember(answer.ok.household_id, body.direction, answer.ok.outcome, answer.ok.reason);
    return true;
  }
  if (answer.error) {
    show("error", answer.error);
    return false;
  }
  body.at = new Date(serverNow()).toISOString();
  body.describe = false;
  enqueue(url, body);
  show(outcome, reason, "", M.offline_tag);
  remember(null, body.direction, outcome, reason);
  return true;
}

async function turnBack(event) {
  event.preventDefault();
  const reason = value("gate-tb-reason");
  if (!reason) {
    show("error", M.need_reason);
    return;
  }
  const body = Object.assign(
    { reason: reason, direction: direction(), plate: value("gate-plate"), client_uuid: uuid4(), describe: true },
    last
  );
  if (await action(cfg.urls.turn_back, body, "turned_back", reason)) {
    $("gate-turn-back-panel").hidden = true;
    $("gate-tb-reason").value = "";
  }
}

async function green(event) {
  event.preventDefault();
  const picked = document.querySelector("input[name=green]:checked");
  if (!picked) {
    show("error", M.need_green);
    return;
  }
  const code = clean($("gate-code").value);
  const body = Object.assign(
    {
      green: picked.value,
      reason: value("gate-green-reason"),
      escort: value("gate-green-escort"),
      direction: direction(),
      client_uuid: uuid4(),
      describe: true,
    },
    code ? who(code) : last
  );
  const label = picked.labels && picked.labels[0] ? picked.labels[0].textContent : picked.value;
  if (await action(cfg.urls.green, body, "green", label)) {
    $("gate-green-panel").hidden = true;
    $("gate-green-panel").reset();
    $("gate-code").value = "";
  }
}

function start() {
  $("gate-form").addEventListener("submit", check);
  $("gate-turn-back").addEventListener("click", () => {
    $("gate-turn-back-panel").hidden = false;
    $("gate-green-panel").hidden = true;
    $("gate-tb-reason").focus();
  });
  $("gate-tb-cancel").addEventListener("click", () => ($("gate-turn-back-panel").hidden = true));
  $("gate-turn-back-panel").addEventListener("submit", turnBack);
  $("gate-green").addEventListener("click", (event) => {
    event.preventDefault();
    $("gate-green-panel").hidden = false;
    $("gate-turn-back-panel").hidden = true;
    $("gate-green-panel").scrollIntoView({ block: "nearest" });
  });
  $("gate-green-cancel").addEventListener("click", () => ($("gate-green-panel").hidden = true));
  $("gate-green-panel").addEventListener("submit", green);

  const NS = window.WanggeTable;
  if (NS && NS.Camera && navigator.mediaDevices) {
    const camera = NS.Camera($("gate-camera"), $("gate-camera-region"), $("gate-camera-stop"), cfg.urls.scanner);
    $("gate-scan").hidden = false;
    $("gate-scan").addEventListener("click", async () => {
      const ok = await camera.start((text) => {
        $("gate-code").value = text;
        check();
      });
      if (!ok) show("error", M.camera_failed);
    });
  }

  window.addEventListener("online", () => {
    setNet(true);
    sync().then(refreshData);
  });
  window.addEventListener("offline", () => setNet(false));
  setInterval(() => {
    if (!navigator.onLine) return setNet(false);
    if (queue.some((e) => e.state === "pending")) sync();
    pullRevocations();
  }, 30000);
  setInterval(() => {
    if (navigator.onLine && queue.some((e) => e.state === "pending")) sync();
  }, 5000);

  renderHeader();
  renderRecent();
  ed().catch(() => {}); // loaded now: it must be there once the network is gone
  if (navigator.onLine) sync().then(pullRevocations);
  document.body.dataset.gateReady = "1";
}

start();
