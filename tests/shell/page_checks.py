"""What a page must hold to read right, checked in the browser on the page as rendered.

`OVERFLOW` finds what sticks out sideways: the document wider than the viewport, and every
element whose box leaves the viewport (but inside a box that scrolls or clips on its own,
which the reader can scroll). `NOT_ISOLATED` finds user-typed text (a title, a name, an
email) whose direction isn't isolated from the words around it: its nearest element with
`dir` (or a `<bdi>`) must exist and hold nothing but typed text (or, in plain text, it is
between U+2068 and U+2069), so an Arabic title neither flips the sentence it sits in nor is
flipped by it.
"""

OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > width) problems.push(`the page is ${scrollWidth}px wide in ${width}px`);
  const clipped = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (element) => element.tagName.toLowerCase()
    + (element.id ? `#${element.id}` : "")
    + (element.className && typeof element.className === "string"
       ? "." + element.className.trim().split(/\\s+/).join(".") : "");
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left >= -0.5 && box.right <= width + 0.5) continue;
    const parent = element.parentElement;
    if (parent && parent !== document.body) {
      const outer = parent.getBoundingClientRect();
      if (outer.left < -0.5 || outer.right > width + 0.5) continue;  // said of the parent
    }
    if (clipped(element)) continue;
    problems.push(`${name(element)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`
      + ` in ${width}px: ${element.textContent.trim().slice(0, 60)}`);
  }
  return problems;
}
"""

NOT_ISOLATED = """
(typed) => {
  const markers = typed.map((text) => text.slice(0, 16));
  const withoutTyped = (text) => typed.reduce((left, value) => left.split(value).join(""), text);
  const problems = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // Plain text where no element can go (an option) isolates with U+2068 ... U+2069.
    const bare = typed.reduce(
      (left, value) => left.split(`\u2068${value}\u2069`).join(""), node.data);
    if (!markers.some((marker) => bare.includes(marker))) continue;
    const parent = node.parentElement;
    if (!parent || ["TITLE", "SCRIPT", "STYLE"].includes(parent.tagName)) continue;
    if (parent.closest("code, pre, textarea[readonly]")) continue;  // code to copy, not prose
    const isolating = parent.closest("bdi, [dir]");
    const where = parent.tagName.toLowerCase();
    const said = node.data.trim().slice(0, 40);
    if (!isolating || isolating === document.documentElement) {
      problems.push(`not isolated in <${where}>: ${said}`);
    } else if (/\\p{L}/u.test(withoutTyped(isolating.textContent))) {
      const around = withoutTyped(isolating.textContent).trim().slice(0, 60);
      problems.push(`isolated with other words in <${isolating.tagName.toLowerCase()}>: ${around}`);
    }
  }
  return problems;
}
"""
