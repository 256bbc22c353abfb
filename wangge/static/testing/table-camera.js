/* Camera scanning for the sampling table (used by table.js), plain ES2017.
 *
 * The browser's BarcodeDetector API where it exists; otherwise html5-qrcode, loaded on first
 * use (it is large, and many tables type or use a hand scanner). Typing always works.
 */
(function () {
  "use strict";

  const NS = (window.WanggeTable = window.WanggeTable || {});
  const FORMATS = ["qr_code", "code_128", "code_39", "codabar", "ean_13", "itf", "data_matrix"];

  function loadLibrary(url) {
    return new Promise((resolve, reject) => {
      if (window.Html5Qrcode) return resolve();
      const s = document.createElement("script");
      s.src = url;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  async function nativeScanner(region, onCode) {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    const formats = supported.filter((f) => FORMATS.indexOf(f) >= 0);
    if (!formats.length) throw new Error("no barcode formats");
    const detector = new window.BarcodeDetector({ formats: formats });
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment" },
    });
    const video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.muted = true;
    video.srcObject = stream;
    region.appendChild(video);
    let stopped = false;
    const stop = () => {
      stopped = true;
      stream.getTracks().forEach((t) => t.stop());
      video.remove();
    };
    try {
      await video.play();
    } catch (e) {
      stop();
      throw e;
    }
    const tick = async () => {
      if (stopped) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length && !stopped) return onCode(codes[0].rawValue);
      } catch (e) {
        /* frame not ready yet */
      }
      setTimeout(tick, 150);
    };
    tick();
    return { stop: stop };
  }

  async function libraryScanner(region, onCode, libraryUrl) {
    await loadLibrary(libraryUrl);
    const view = document.createElement("div");
    view.id = "wg-camera-view";
    region.appendChild(view);
    const lib = new window.Html5Qrcode(view.id);
    try {
      await lib.start(
        { facingMode: "environment" },
        { fps: 10, qrbox: { width: 250, height: 250 } },
        (text) => onCode(text),
        () => {}
      );
    } catch (e) {
      view.remove();
      throw e;
    }
    return {
      stop() {
        lib
          .stop()
          .catch(() => {})
          .then(() => view.remove());
      },
    };
  }

  function startCamera(region, onCode, libraryUrl) {
    if ("BarcodeDetector" in window) {
      return nativeScanner(region, onCode).catch(() =>
        libraryScanner(region, onCode, libraryUrl)
      );
    }
    return libraryScanner(region, onCode, libraryUrl);
  }

  /* The camera panel: `section` is shown while scanning into `region`, `stopButton` closes it.
   * start(onCode) resolves to false when no camera can be used; onCode gets the first code. */
  NS.Camera = function (section, region, stopButton, libraryUrl) {
    let scanner = null;
    function stop() {
      if (scanner) scanner.stop();
      scanner = null;
      section.hidden = true;
    }
    stopButton.addEventListener("click", stop);
    return {
      stop: stop,
      async start(onCode) {
        stop();
        region.textContent = "";
        section.hidden = false;
        const once = (text) => {
          stop();
          onCode(text);
        };
        try {
          scanner = await startCamera(region, once, libraryUrl);
          return true;
        } catch (e) {
          section.hidden = true;
          return false;
        }
      },
    };
  };
})();
