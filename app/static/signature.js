// Reading and signing. Pointer events cover mouse, pen and touch alike; each pad's PNG goes into its hidden field on
// submit. Strokes survive a refused submit: the page comes back with the data URLs, which are drawn again here.
(function () {
  var form = document.getElementById("sign-form");
  var pads = {};

  document.querySelectorAll("canvas[data-target]").forEach(function (canvas) {
    var ctx = canvas.getContext("2d");
    var field = document.querySelector('input[name="' + canvas.dataset.target + '"]');
    var pad = {canvas: canvas, field: field, inked: false, box: canvas.closest(".pad")};
    pads[canvas.dataset.target] = pad;
    var drawing = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    canvas.style.touchAction = "none";  // keep the page from scrolling while signing on a tablet
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      if (pad.box.classList.contains("waiting")) return;
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); pad.inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        if (drawing) { drawing = false; field.value = canvas.toDataURL("image/png"); update(); }
      });
    });
    pad.box.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); pad.inked = false; field.value = ""; update();
    });
    if (field.value.indexOf("data:image/png;base64,") === 0) {  // kept from a refused submit
      var img = new Image();
      img.onload = function () { ctx.drawImage(img, 0, 0, canvas.width, canvas.height); pad.inked = true; update(); };
      img.src = field.value;
    }
  });

  var consent = form && form.querySelector('input[name="consent"]');
  // The member reads, consents and signs first; the consultant signs after.
  function update() {
    var consultant = pads.consultant_signature;
    if (!consultant || !consent) return;
    var memberDone = consent.checked && Object.keys(pads).every(function (k) {
      return k === "consultant_signature" || pads[k].inked;
    });
    consultant.box.classList.toggle("waiting", !memberDone);
  }
  if (consent) consent.addEventListener("change", update);
  update();

  if (form) form.addEventListener("submit", function (e) {
    var missing = false;
    Object.keys(pads).forEach(function (k) {
      var pad = pads[k];
      pad.field.value = pad.inked ? pad.canvas.toDataURL("image/png") : "";
      pad.box.querySelector("[data-empty]").hidden = pad.inked;
      if (!pad.inked) missing = true;
    });
    var consentBox = consent && consent.closest(".consent");
    if (consentBox) consentBox.classList.toggle("invalid", !consent.checked);
    if (missing || (consent && !consent.checked)) e.preventDefault();  // nothing lost: the strokes stay on the pads
  });

  // Zoom the pages inside the reader only, so the page itself never scrolls sideways.
  var reader = document.getElementById("reader");
  var zoom = 100;
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var step = parseInt(button.dataset.zoom, 10);
      zoom = step === 0 ? 100 : Math.min(300, Math.max(60, zoom + step * 25));
      reader.style.setProperty("--page-width", zoom + "%");
    });
  });
})();
