/* The sampling table's upload queue (used by table.js), plain ES2017. Its storage, UUID and
 * CSRF helpers also serve the checkpoint gate page (checkpoints/gate.js).
 *
 * Closed tubes are kept in localStorage and posted one at a time, oldest first, each with its
 * client UUID, so a tube sent twice is registered once. Network errors, timeouts, 5xx, 408
 * and 429 are retried with exponential backoff (or after Retry-After), and at once when the
 * browser comes back online; any other refusal (4xx) is marked for the worker to look at and
 * is not sent again until they say so.
 */
(function () {
  "use strict";

  const NS = (window.WanggeTable = window.WanggeTable || {});
  const MAX_RESULTS = 10;

  // Storage: best effort (a private window may refuse); the in-memory copy is the truth.
  NS.load = function (key, fallback) {
    try {
      const value = JSON.parse(window.localStorage.getItem(key));
      return value == null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  };
  NS.store = function (key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* kept in memory only */
    }
  };

  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  NS.uuid4 = function () {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  };

  // The cookie is current after a new login; the page's hx-headers is the fallback.
  function csrfToken() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  NS.csrfToken = csrfToken;

  NS.request = async function (url, options, timeoutMs) {
    const opts = Object.assign({ credentials: "same-origin" }, options || {});
    opts.headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    let timer = null;
    if (window.AbortController) {
      const ctrl = new AbortController();
      opts.signal = ctrl.signal;
      timer = setTimeout(() => ctrl.abort(), timeoutMs || 10000);
    }
    try {
      return await fetch(url, opts);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };

  NS.jsonOf = async function (res) {
    try {
      return await res.json();
    } catch (e) {
      return null;
    }
  };

  // The API's {"detail": text | {field: [messages]}} as one line.
  NS.errorText = function (body, status, fallback) {
    const detail = body && body.detail;
    if (typeof detail === "string") return detail;
    if (detail && typeof detail === "object") {
      const parts = [];
      Object.keys(detail).forEach((k) => parts.push.apply(parts, [].concat(detail[k])));
      if (parts.length) return parts.join("；");
    }
    return fallback + " (" + status + ")";
  };

  /* A queue stored under cfg.storage_queue; finished uploads go to cfg.storage_results.
   * onChange() is called whenever what the page shows may have changed. */
  NS.Queue = function (cfg, onChange) {
    const M = cfg.messages;
    let entries = NS.load(cfg.storage_queue, []);
    let results = NS.load(cfg.storage_results, []);
    let syncing = false;
    const save = () => NS.store(cfg.storage_queue, entries);
    const drop = (id) => {
      entries = entries.filter((e) => e.id !== id);
      save();
    };

    function backoff(entry, retryAfter) {
      entry.tries = (entry.tries || 0) + 1;
      const seconds = Number(retryAfter);
      const wait =
        retryAfter && seconds >= 0
          ? seconds * 1000
          : Math.min(60000, 1000 * Math.pow(2, entry.tries));
      entry.next_at = Date.now() + wait;
      save();
      return "retry";
    }

    async function send(entry) {
      let res;
      try {
        res = await NS.request(
          entry.url,
          {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(entry.body),
          },
          20000
        );
      } catch (e) {
        return backoff(entry, null);
      }
      if (res.status === 200 || res.status === 201) {
        const data = (await NS.jsonOf(res)) || {};
        drop(entry.id);
        results.unshift({
          barcode: entry.body.barcode,
          n: entry.body.people.length,
          at: Date.now(),
          retried: res.status === 200,
          warnings: (data.warnings || []).map((w) => w.message),
        });
        results = results.slice(0, MAX_RESULTS);
        NS.store(cfg.storage_results, results);
        return "ok";
      }
      if (res.status >= 500 || res.status === 429 || res.status === 408) {
        return backoff(entry, res.headers.get("Retry-After"));
      }
      const body = await NS.jsonOf(res);
      entry.state = "attention";
      entry.error =
        res.status === 401 || (res.status === 403 && !body)
          ? M.login
          : NS.errorText(body, res.status, M.error);
      save();
      return "attention";
    }

    async function sync() {
      if (syncing) return;
      syncing = true;
      try {
        for (const entry of entries.slice()) {
          if (entry.state !== "pending" || entry.next_at > Date.now()) continue;
          if ((await send(entry)) === "retry") break; // the server is unreachable: wait
        }
      } finally {
        syncing = false;
        onChange();
      }
    }

    return {
      pending: () => entries.filter((e) => e.state === "pending"),
      attention: () => entries.filter((e) => e.state === "attention"),
      results: () => results,
      hasBarcode: (barcode) => entries.some((e) => e.body.barcode === barcode),
      sync: sync,
      add(body, people) {
        entries.push({ id: body.client_uuid, url: cfg.urls.tubes, body: body, people: people, state: "pending", tries: 0, next_at: 0 });
        save();
        onChange();
        return sync();
      },
      // Send every waiting tube now (the browser is back online, or the worker asked).
      retryNow(id) {
        entries.forEach((e) => {
          if (id ? e.id === id : e.state === "pending") {
            e.state = "pending";
            e.next_at = 0;
          }
        });
        save();
        return sync();
      },
      // Take a refused tube out of the queue (to edit it back into the page, or to delete it).
      take(id) {
        const entry = entries.find((e) => e.id === id);
        drop(id);
        onChange();
        return entry;
      },
      reload() {
        entries = NS.load(cfg.storage_queue, []);
        onChange();
      },
    };
  };
})();
