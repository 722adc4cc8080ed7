// Progressive enhancement: show similar ideas while an idea's title and description are typed.
// Without JavaScript the "Check for similar ideas" button does the same on the server.
// Nothing is sent for concerns, or when speaking up anonymously: a draft of those must not
// leave the page until the person chooses to send it.
(function () {
  var region = document.getElementById("similar-ideas");
  var title = document.getElementById("title");
  var description = document.getElementById("description");
  var token = document.querySelector("input[name=csrf_token]");
  if (!region || !title || !window.fetch || !window.FormData) return;
  var timer = null;
  var last = "";
  function checked(name) {
    var input = document.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }
  function update() {
    if (checked("kind") !== "idea" || checked("mode") === "anonymous") return;
    var words = (title.value + " " + (description ? description.value : "")).trim();
    if (words.length < 4 || words === last) return;
    last = words;
    var body = new FormData();
    body.append("q", words.slice(0, 500));
    if (token) body.append("csrf_token", token.value);
    fetch(region.getAttribute("data-similar-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) region.innerHTML = html; })
      .catch(function () {});
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(update, 500); }
  title.addEventListener("input", schedule);
  if (description) description.addEventListener("input", schedule);
})();
