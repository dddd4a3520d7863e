// Signature pads: pointer events cover mouse, pen and touch alike. The PNG goes into the hidden field on submit.
(function () {
  document.querySelectorAll("canvas[data-target]").forEach(function (canvas) {
    var ctx = canvas.getContext("2d");
    var field = document.querySelector('input[name="' + canvas.dataset.target + '"]');
    var drawing = false, inked = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    canvas.style.touchAction = "none";  // keep the page from scrolling while signing on a tablet
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); inked = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    document.querySelector('[data-clear="' + canvas.dataset.target + '"]').addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); inked = false; field.value = "";
    });
    canvas.closest("form").addEventListener("submit", function () {
      field.value = inked ? canvas.toDataURL("image/png") : "";
    });
  });
})();
