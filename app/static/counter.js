// A USB scanner types into whatever has focus: keep the scan field focused unless staff are typing elsewhere.
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
})();
