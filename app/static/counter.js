// The counter: a USB scanner types into the scan field (kept focused); the device camera can read the QR instead,
// with the browser's BarcodeDetector where it has one, else zxing-wasm served from this site. A decoded code is
// submitted like a scanner's, the camera comes back on after the page reloads, and a tone says valid or not.
(function () {
  var input = document.getElementById("scan-input");
  if (!input) return;
  function refocus() {
    var active = document.activeElement;
    if (!active || active === document.body || active === input) input.focus();
  }
  document.addEventListener("click", function () { setTimeout(refocus, 0); });
  input.addEventListener("blur", function () { setTimeout(refocus, 200); });
  input.focus();

  var audio = null;
  function tone(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var notes = kind === "ok" ? [880, 1320] : kind === "bad" ? [220, 180] : [1000];
      notes.forEach(function (hz, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = hz;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + i * 0.16);
        osc.stop(audio.currentTime + i * 0.16 + 0.14);
      });
    } catch (e) { /* no sound where the browser allows none */ }
  }
  var verdict = document.getElementById("verdict");
  if (verdict) tone(verdict.getAttribute("data-tone"));

  var button = document.getElementById("camera-toggle"), video = document.getElementById("camera");
  var message = document.getElementById("camera-message"), form = document.getElementById("scan-form");
  if (!button || !video) return;
  var stream = null, detect = null, canvas = document.createElement("canvas"), busy = false;

  function say(text) { message.textContent = text; message.hidden = !text; }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src; s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") < 0) throw new Error("no qr");
        var native = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () { return native.detect(video).then(function (r) { return r.length ? r[0].rawValue : null; }); };
      }).catch(zxing);
    }
    return zxing();
  }

  function zxing() {
    return loadScript(button.getAttribute("data-decoder")).then(function () {
      var wasm = button.getAttribute("data-wasm");
      window.ZXingWASM.prepareZXingModule({
        overrides: { locateFile: function (path, prefix) { return path.slice(-5) === ".wasm" ? wasm : prefix + path; } },
        fireImmediately: true
      });
      return function () {
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        if (!canvas.width) return Promise.resolve(null);
        var context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0);
        var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        return window.ZXingWASM.readBarcodes(pixels, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 })
          .then(function (r) { return r.length && r[0].isValid ? r[0].text : null; });
      };
    });
  }

  function loop() {
    if (!stream) return;
    if (!busy && detect) {
      busy = true;
      detect().then(function (text) {
        busy = false;
        // The card is still in front of the lens after the page answered: the same code counts once in 20 s.
        var last = JSON.parse(sessionStorage.getItem("counter-last") || "{}");
        if (text && text === last.text && Date.now() - last.at < 20000) text = null;
        if (text && stream) {
          sessionStorage.setItem("counter-last", JSON.stringify({ text: text, at: Date.now() }));
          tone("scan");
          input.value = text;
          sessionStorage.setItem("counter-camera", "on");
          stop(true);
          form.submit();
        }
      }, function () { busy = false; });
    }
    setTimeout(loop, 150);
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(button.getAttribute("data-unsupported")); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s; video.hidden = false; video.play();
        button.textContent = button.getAttribute("data-off");
        sessionStorage.setItem("counter-camera", "on");
        return decoder();
      })
      .then(function (d) { detect = d; say(""); loop(); })
      .catch(function (e) {
        stop(false);
        say(e && e.name === "NotAllowedError" ? button.getAttribute("data-denied") : button.getAttribute("data-unsupported"));
      });
  }

  function stop(keep) {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; video.hidden = true; button.textContent = button.getAttribute("data-on");
    if (!keep) sessionStorage.removeItem("counter-camera");
  }

  button.addEventListener("click", function () { if (stream) stop(false); else start(); });
  if (sessionStorage.getItem("counter-camera") === "on") start();
})();
