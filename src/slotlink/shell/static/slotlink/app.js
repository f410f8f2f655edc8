// slotlink's page behaviour, loaded on every page: pages carry no inline script or
// handler (the Content-Security-Policy runs only files like this one).

// A <select data-submit-on-change> sends its form as soon as a choice is made (the
// organization switch, a booking page's time zone); <noscript> gives a button instead.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change")) {
    select.form.submit();
  }
});

// Copy buttons: <button data-copy="ID"> copies the field with that id, <button
// data-copy-text="..."> its own text; the next .copy-status says "Copied". Without the
// Clipboard API (plain http other than localhost, older browsers) the field is selected
// and the status asks for Ctrl+C (a data-copy-text button shows its text to select first).
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element && event.target.closest("[data-copy], [data-copy-text]");
  if (!button) return;
  var field = button.hasAttribute("data-copy") && document.getElementById(button.getAttribute("data-copy"));
  var text = field ? field.value : button.getAttribute("data-copy-text");
  var status = button.parentElement.querySelector(".copy-status");
  function say(words) { if (status) status.textContent = words; }
  function selectForCopy() {
    if (!field) {
      field = document.createElement("input");
      field.type = "text";
      field.readOnly = true;
      field.value = text;
      field.setAttribute("aria-label", "Link to copy");
      button.insertAdjacentElement("afterend", field);
    }
    field.focus();
    field.select();
    say("Selected: press Ctrl+C (⌘C) to copy.");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { say("Copied"); }, selectForCopy);
  } else {
    selectForCopy();
  }
});

// The embed variant (?embed=1) in the pop-up slotlink's embed.js opens on another site:
// Escape pressed inside the frame never reaches that site's page, so the frame asks it to
// close the pop-up. The message says nothing else; embed.js acts only on its own frame's.
if (window.parent !== window && new URLSearchParams(location.search).get("embed") === "1") {
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") window.parent.postMessage({ slotlink: "close" }, "*");
  });
}

// Length counters: a field with data-limit (its length limit, which the server counts;
// the browser isn't given a maxlength that would cut pasted text) says "112 / 120" once
// the text nears the limit, and "3 characters over" past it, as the server would.
document.addEventListener("input", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLElement) || !field.hasAttribute("data-limit")) return;
  var limit = parseInt(field.getAttribute("data-limit"), 10);
  var length = field.value.length;
  var counter = field.nextElementSibling;
  if (!counter || !counter.classList.contains("length-count")) {
    counter = document.createElement("span");
    counter.className = "length-count";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
  }
  var over = length - limit;
  counter.classList.toggle("over", over > 0);
  if (over > 0) {
    counter.textContent = over + " character" + (over === 1 ? "" : "s") + " over: " + length + " / " + limit;
  } else {
    counter.textContent = length >= limit * 0.8 ? length + " / " + limit : "";
  }
});
