/* Sampling table page (采样台): scan a tube barcode, scan or type each person, close the tube.
 *
 * Each scan is looked up (masked name, household, already sampled this round?); when the
 * server cannot be reached a typed ID number is taken as it is and checked on upload. Closed
 * tubes go to the upload queue (table-queue.js); the camera is in table-camera.js. Plain
 * ES2017, no build step.
 */
(function () {
  "use strict";

  const cfgNode = document.getElementById("wg-table-config");
  if (!cfgNode) return;
  const NS = window.WanggeTable;
  const cfg = JSON.parse(cfgNode.textContent);
  const M = cfg.messages;
  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) =>
    text.replace(/%\((\w+)\)s/g, (m, k) => (k in values ? String(values[k]) : m));

  let current = NS.load(cfg.storage_current, { barcode: "", people: [] });
  let scans = Promise.resolve(); // scans are handled in turn: the tube keeps their order
  const saveCurrent = () => NS.store(cfg.storage_current, current);
  const queue = NS.Queue(cfg, () => render());
  const camera = NS.Camera($("wg-camera"), $("wg-camera-region"), $("wg-camera-stop"),
    cfg.urls.scanner);

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function button(cls, text, onClick) {
    const b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // A message under the person box (kind: a Bootstrap alert colour; no text clears it).
  function say(kind, text, extra) {
    const box = $("wg-msg");
    box.textContent = "";
    if (!text) return;
    const alert = el("div", "alert alert-" + kind + " py-2 mb-0", text);
    if (extra) alert.appendChild(extra);
    box.appendChild(alert);
    if (kind === "danger" && navigator.vibrate) navigator.vibrate([80, 60, 80]);
  }

  function sayBarcode(text) {
    const form = $("wg-barcode-form");
    const old = form.querySelector(".alert");
    if (old) old.remove();
    if (text) form.appendChild(el("div", "alert alert-danger py-2 mt-2 mb-0", text));
  }

  // Codes as typed or scanned: half-width, no spaces, upper case.
  function clean(text) {
    const half = String(text || "").replace(/[\uff01-\uff5e]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0)
    );
    const upper = half.replace(/[\s\u3000]+/g, "").toUpperCase();
    // A household code is printed as its self-report address; the token is its last part.
    const inUrl = upper.match(/\/SELF\/(WG[PH]:[^/?#]+)/);
    return inUrl ? inUrl[1] : upper;
  }
  const isToken = (text) => /^WG[PH]:/.test(text);
  const maskId = (text) =>
    text.length > 8 ? text.slice(0, 4) + "*".repeat(text.length - 8) + text.slice(-4) : text;

  // A single tube (单管复检) holds one person whatever the round's pool size.
  const capacity = () => (current.single ? 1 : cfg.pool_size);
  const isFull = () => current.people.length >= capacity();
  const has = (key) => current.people.some((p) => p.key === key);

  function addPerson(entry) {
    if (isFull()) return say("danger", M.full);
    if (has(entry.key)) return say("danger", M.duplicate);
    current.people.push(entry);
    saveCurrent();
    render();
    say(entry.warn ? "warning" : "info", entry.warn || entry.note); // no text: clears
    if (navigator.vibrate) navigator.vibrate(40);
  }

  function cardEntry(card) {
    return {
      key: "p:" + card.id,
      ref: { person_id: card.id },
      label: card.name + " " + card.id_number,
      sub: card.household,
      warn: card.already_sampled ? fmt(M.already, { barcode: card.already_sampled }) : "",
    };
  }

  // Step 2: who was scanned or typed.
  async function addCode(raw) {
    const text = clean(raw);
    $("wg-pick").textContent = "";
    $("wg-new").hidden = true;
    if (!text) return;
    if (isFull()) return say("danger", M.full);
    const typedKey = (isToken(text) ? "c:" : "i:") + text;
    if (has(typedKey)) return say("danger", M.duplicate);
    let res = null;
    if (navigator.onLine !== false) {
      try {
        res = await NS.request(cfg.urls.lookup + "?code=" + encodeURIComponent(text), {}, 8000);
      } catch (e) {
        res = null;
      }
    }
    if (res && res.ok) {
      const data = await NS.jsonOf(res);
      if (data && data.kind === "household") return pickFrom(data);
      if (data && data.people && data.people.length) return addPerson(cardEntry(data.people[0]));
    }
    if (res && res.status === 404) return offerNew(text);
    if (res && res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      const login = res.status === 401 || res.status === 403;
      return say("danger", login ? M.login : NS.errorText(await NS.jsonOf(res), res.status, M.error));
    }
    // Offline, timed out or server trouble: take it as typed; the server checks it on upload.
    addPerson({
      key: typedKey,
      ref: isToken(text) ? { code: text } : { id_number: text },
      label: isToken(text) ? text.split(":").slice(0, 2).join(":") : maskId(text),
      sub: "",
      note: M.unchecked,
    });
  }

  function pickFrom(data) {
    const box = $("wg-pick");
    if (!data.people.length) return say("warning", M.household_empty);
    say("info", data.household + " · " + M.choose);
    data.people.forEach((card) => {
      const entry = cardEntry(card);
      const item = button("list-group-item list-group-item-action py-3", entry.label, () => {
        item.disabled = true;
        addPerson(entry);
      });
      item.disabled = has(entry.key);
      if (entry.warn) item.appendChild(el("div", "small text-warning-emphasis", entry.warn));
      box.appendChild(item);
    });
  }

  function offerNew(text) {
    const open = button("btn btn-outline-primary btn-sm ms-2", M.add_new, () => {
      $("wg-new").hidden = false;
      $("wg-new-id").value = isToken(text) ? "" : text;
      $("wg-new-name").focus();
    });
    say("warning", M.not_found + "：" + (isToken(text) ? text : maskId(text)), open);
  }

  // Adding a person on the spot: households of the table's area only.
  async function searchHouseholds() {
    const select = $("wg-new-hh");
    select.textContent = "";
    const q = encodeURIComponent($("wg-new-hh-q").value.trim());
    const url = cfg.urls.households + "?page_size=50&area=" + cfg.area_id + "&q=" + q;
    try {
      const res = await NS.request(url, {}, 8000);
      const data = res.ok ? await NS.jsonOf(res) : null;
      const items = (data && data.items) || [];
      if (!items.length) select.appendChild(el("option", "", M.no_households)).value = "";
      items.forEach((h) => {
        const label = h.address + (h.householder_name ? " · " + h.householder_name : "");
        select.appendChild(el("option", "", label)).value = h.id;
      });
    } catch (e) {
      say("danger", M.search_failed);
    }
  }

  function submitNew(event) {
    event.preventDefault();
    const name = $("wg-new-name").value.trim();
    const idNumber = clean($("wg-new-id").value);
    const phone = $("wg-new-phone").value.trim();
    const household = parseInt($("wg-new-hh").value, 10);
    if (!name || !household || !(idNumber || phone)) return say("danger", M.new_invalid);
    const option = $("wg-new-hh").selectedOptions[0];
    addPerson({
      key: "n:" + (idNumber || phone),
      ref: { new: { name: name, id_number: idNumber, phone: phone, household_id: household } },
      label: name + " " + (idNumber ? maskId(idNumber) : phone),
      sub: option ? option.textContent : "",
      note: M.new_label,
    });
    $("wg-new").reset();
    $("wg-new").hidden = true;
  }

  // Step 1: the tube's barcode (refused when already used this round, if we can tell).
  function setBarcode(raw) {
    const barcode = clean(raw);
    if (!barcode) return;
    if (queue.hasBarcode(barcode)) {
      $("wg-barcode").value = barcode;
      return sayBarcode(M.barcode_queued);
    }
    current.barcode = barcode;
    current.single = $("wg-single").checked;
    saveCurrent();
    render();
    $("wg-person").focus();
    checkBarcode(barcode);
  }

  async function checkBarcode(barcode) {
    try {
      const url = cfg.urls.tubes + "?barcode=" + encodeURIComponent(barcode);
      const res = await NS.request(url, {}, 5000);
      const data = res.ok ? await NS.jsonOf(res) : null;
      if (data && data.count > 0 && current.barcode === barcode && !current.people.length) {
        current.barcode = "";
        saveCurrent();
        render();
        $("wg-barcode").value = barcode;
        sayBarcode(M.barcode_used + "：" + barcode);
      }
    } catch (e) {
      /* offline: the server checks on upload */
    }
  }

  // Step 3: close the tube; it goes to the upload queue.
  function closeTube() {
    if (!current.barcode) return say("danger", M.no_barcode);
    if (!current.people.length) return say("danger", M.empty_tube);
    const body = {
      barcode: current.barcode,
      client_uuid: NS.uuid4(),
      closed_at: new Date().toISOString(),
      people: current.people.map((p) => p.ref),
    };
    if (current.single) body.single = true;
    if (cfg.table_id) body.table_id = cfg.table_id;
    else body.team_id = cfg.team_id;
    const people = current.people;
    say("success", fmt(M.closed, { barcode: current.barcode, n: people.length }));
    current = { barcode: "", people: [] };
    saveCurrent();
    queue.add(body, people);
    $("wg-barcode").focus();
  }

  // A tube the server refused comes back into the page to be fixed and closed again.
  function editEntry(entry) {
    if (current.barcode || current.people.length) return window.alert(M.edit_busy);
    queue.take(entry.id);
    current = { barcode: entry.body.barcode, people: entry.people || [], single: !!entry.body.single };
    saveCurrent();
    render();
    say("danger", entry.error);
  }

  function renderPeople() {
    const list = $("wg-people");
    list.textContent = "";
    current.people.forEach((p, i) => {
      const cls = "list-group-item d-flex align-items-center gap-2";
      const item = el("li", cls + (p.warn ? " list-group-item-warning" : ""));
      const text = el("div", "me-auto");
      text.appendChild(el("div", "fw-semibold", p.label));
      if (p.sub) text.appendChild(el("div", "small text-body-secondary", p.sub));
      if (p.warn || p.note) text.appendChild(el("div", "small", p.warn || p.note));
      item.appendChild(text);
      const remove = button("btn btn-outline-danger", "×", () => {
        current.people.splice(i, 1);
        saveCurrent();
        render();
      });
      remove.setAttribute("aria-label", M.remove);
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function renderQueue() {
    const pending = queue.pending().length;
    const attention = queue.attention();
    $("wg-queued").textContent = fmt(M.queued, { n: pending });
    $("wg-queued").className = "badge fs-6 " + (pending ? "text-bg-warning" : "text-bg-secondary");
    $("wg-attn-count").textContent = fmt(M.attention, { n: attention.length });
    $("wg-attn-count").classList.toggle("d-none", !attention.length);
    $("wg-net").textContent = navigator.onLine === false ? M.offline : M.online;

    const box = $("wg-attention");
    box.textContent = "";
    $("wg-attention-box").hidden = !attention.length;
    attention.forEach((entry) => {
      const item = el("li", "list-group-item list-group-item-danger");
      const n = fmt(M.people, { n: entry.body.people.length });
      item.appendChild(el("div", "fw-semibold", entry.body.barcode + " · " + n));
      item.appendChild(el("div", "small mb-2", entry.error));
      const row = el("div", "d-flex gap-2");
      row.appendChild(button("btn btn-primary flex-fill", M.edit, () => editEntry(entry)));
      row.appendChild(
        button("btn btn-outline-secondary flex-fill", M.retry, () => queue.retryNow(entry.id))
      );
      row.appendChild(
        button("btn btn-outline-danger flex-fill", M.delete, () => {
          if (window.confirm(M.delete_confirm)) queue.take(entry.id);
        })
      );
      item.appendChild(row);
      box.appendChild(item);
    });

    const done = $("wg-results");
    done.textContent = "";
    queue.results().forEach((r) => {
      const item = el("li", "list-group-item" + (r.warnings.length ? " list-group-item-warning" : ""));
      const when = new Date(r.at).toLocaleTimeString();
      const status = r.retried ? M.retried : M.sent;
      const line = "✓ " + r.barcode + " · " + fmt(M.people, { n: r.n }) + " · " + when + " · " + status;
      item.appendChild(el("div", "", line));
      r.warnings.forEach((w) => item.appendChild(el("div", "text-warning-emphasis", w)));
      done.appendChild(item);
    });
  }

  function render() {
    const inTube = !!current.barcode;
    $("wg-step-barcode").hidden = inTube;
    $("wg-step-people").hidden = !inTube;
    $("wg-current-barcode").textContent = current.barcode;
    $("wg-count").textContent = current.people.length + "/" + capacity();
    $("wg-count").className = "wg-count badge " + (isFull() ? "text-bg-danger" : "text-bg-primary");
    $("wg-person").disabled = isFull();
    $("wg-add").disabled = isFull();
    $("wg-person").placeholder = isFull() ? M.full : $("wg-person").dataset.placeholder;
    $("wg-close").disabled = !current.people.length;
    renderPeople();
    renderQueue();
  }

  async function scanWithCamera(target) {
    const ok = await camera.start((text) => {
      if (target === "barcode") setBarcode(text);
      else scans = scans.then(() => addCode(text)).catch(() => {});
    });
    if (ok) return;
    if (target === "barcode") sayBarcode(M.camera_failed);
    else say("danger", M.camera_failed);
  }

  // Wiring.
  $("wg-person").dataset.placeholder = $("wg-person").placeholder;
  $("wg-barcode-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sayBarcode("");
    setBarcode($("wg-barcode").value);
    $("wg-barcode").value = "";
  });
  $("wg-person-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("wg-person").value;
    $("wg-person").value = "";
    scans = scans
      .then(() => addCode(value))
      .catch(() => {})
      .then(() => $("wg-person").focus());
  });
  document.querySelectorAll("[data-camera]").forEach((b) =>
    b.addEventListener("click", () => scanWithCamera(b.dataset.camera))
  );
  $("wg-close").addEventListener("click", closeTube);
  $("wg-change-barcode").addEventListener("click", () => {
    $("wg-barcode").value = current.barcode;
    current.barcode = "";
    saveCurrent();
    render();
    $("wg-barcode").focus();
  });
  $("wg-discard").addEventListener("click", () => {
    if (current.people.length && !window.confirm(M.discard_confirm)) return;
    current = { barcode: "", people: [] };
    saveCurrent();
    say("", "");
    render();
  });
  $("wg-new").addEventListener("submit", submitNew);
  $("wg-new-cancel").addEventListener("click", () => {
    $("wg-new").reset();
    $("wg-new").hidden = true;
  });
  $("wg-new-hh-search").addEventListener("click", searchHouseholds);
  window.addEventListener("online", () => queue.retryNow());
  window.addEventListener("offline", render);
  window.addEventListener("storage", (e) => {
    if (e.key === cfg.storage_queue) queue.reload();
  });
  setInterval(() => queue.sync(), 10000);

  $("wg-app").classList.remove("d-none");
  render();
  (current.barcode ? $("wg-person") : $("wg-barcode")).focus();
  queue.sync();
})();
