// The call screen asks for the board every 1.5 s and redraws it, so a number called at a desk shows within two
// seconds. A revoked link turns the screen into the "no longer valid" notice; a network hiccup shows a small banner.
(function () {
  var body = document.body, url = body.getAttribute("data-state"), english = body.getAttribute("data-english") === "1";
  var calling = document.getElementById("calling"), next = document.getElementById("next");
  var offline = document.getElementById("offline"), clock = document.getElementById("clock");
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function draw(board) {
    calling.textContent = "";
    board.calling.forEach(function (c) {
      var li = el("li"), where = el("span");
      li.appendChild(el("b", String(c.number)));
      if (c.station) {
        where.appendChild(document.createTextNode("请到 " + c.station));
        if (english) where.appendChild(el("small", "Please go to " + c.station));
      }
      li.appendChild(where);
      calling.appendChild(li);
    });
    next.textContent = "";
    board.next.forEach(function (n) { next.appendChild(el("span", String(n))); });
  }
  function tick() {
    fetch(url, { cache: "no-store" }).then(function (r) {
      if (r.status === 404) { window.location.reload(); return null; }
      return r.ok ? r.json() : null;
    }).then(function (board) {
      offline.hidden = !!board;
      if (board) draw(board);
    }).catch(function () { offline.hidden = false; });
    clock.textContent = new Date().toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" });
  }
  tick();
  setInterval(tick, 1500);
})();
