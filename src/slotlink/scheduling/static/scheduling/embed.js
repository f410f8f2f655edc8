// slotlink's pop-up embed, loaded by the snippet on the host's own site (another origin):
// a link <a data-slotlink-popup="<booking page>?embed=1"> opens that page over the host's
// page in an iframe; Escape (on the page or inside the frame), the close button or a click
// outside closes it. Without this
// script the link still opens the booking page. Styles are set through the DOM (not style
// attributes), so a site's own Content-Security-Policy has nothing to refuse but this file.
(function () {
  if (window.slotlinkEmbed) return; // the snippet pasted twice
  window.slotlinkEmbed = true;
  var open = null;

  function css(element, styles) {
    for (var name in styles) element.style[name] = styles[name];
    return element;
  }

  function close() {
    if (!open) return;
    open.overlay.remove();
    document.removeEventListener("keydown", onKey, true);
    if (open.opener) open.opener.focus();
    open = null;
  }

  function onKey(event) {
    if (event.key === "Escape") close();
  }

  function show(url, title, opener) {
    close();
    var overlay = css(document.createElement("div"), {
      position: "fixed", inset: "0", zIndex: "2147483647", background: "rgba(20,24,33,.6)",
      display: "flex", alignItems: "center", justifyContent: "center"
    });
    overlay.className = "slotlink-popup";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", title || "Book a time");
    var box = css(document.createElement("div"), {
      position: "relative", width: "min(960px, 96vw)", height: "min(820px, 92vh)",
      background: "#fff", borderRadius: "8px", overflow: "hidden"
    });
    var frame = css(document.createElement("iframe"), { width: "100%", height: "100%", border: "0" });
    frame.src = url;
    frame.title = title || "Book a time";
    var button = css(document.createElement("button"), {
      position: "absolute", top: "6px", right: "8px", font: "24px/1 sans-serif",
      background: "transparent", border: "0", cursor: "pointer", padding: "4px 8px"
    });
    button.type = "button";
    button.textContent = "×";
    button.setAttribute("aria-label", "Close");
    button.addEventListener("click", close);
    overlay.addEventListener("click", function (event) { if (event.target === overlay) close(); });
    box.appendChild(frame);
    box.appendChild(button);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    document.addEventListener("keydown", onKey, true);
    open = { overlay: overlay, opener: opener, frame: frame };
    button.focus();
  }

  // Escape pressed inside the booking page, which the frame passes on (slotlink's app.js):
  // only a message from the open pop-up's own frame closes it.
  window.addEventListener("message", function (event) {
    if (open && event.source === open.frame.contentWindow && event.data &&
        event.data.slotlink === "close") close();
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("[data-slotlink-popup]");
    if (!link) return;
    event.preventDefault();
    show(link.getAttribute("data-slotlink-popup"), link.getAttribute("data-slotlink-title"), link);
  });
})();
