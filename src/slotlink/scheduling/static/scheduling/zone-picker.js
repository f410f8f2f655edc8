// The booking pages' time zone picker, searchable: the plain <select data-zone-picker>
// (grouped by region, each zone with its offset and time now, which works without script)
// becomes an ARIA 1.2 combobox: type part of a city, region, country, abbreviation (PST)
// or offset (+05:30) and pick with the mouse or the keys (Down and Up move, Enter picks,
// Escape closes the list, then clears the search). The browser's own zone comes first.
(function () {
  var select = document.querySelector("select[data-zone-picker]");
  if (!select) return;
  var browserZone = "";
  try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}

  var entries = [];
  Array.prototype.forEach.call(select.options, function (option) {
    var entry = {
      value: option.value,
      text: option.textContent,
      group: option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "",
      search: (option.getAttribute("data-search") || "") + " " + option.textContent.toLowerCase()
    };
    if (option.value === browserZone) {
      entries.unshift({ value: entry.value, text: entry.text, group: "Your browser's zone", search: entry.search });
    }
    entries.push(entry);
  });

  var label = document.querySelector('label[for="' + select.id + '"]');
  var input = document.createElement("input");
  input.type = "text";
  input.id = select.id + "-search";
  input.className = "zone-search";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", select.id + "-list");
  input.setAttribute("autocomplete", "off");
  input.setAttribute("spellcheck", "false");
  input.placeholder = "Search a city, country, PST or +05:30";
  var current = select.options[select.selectedIndex];
  input.value = current ? current.textContent : "";
  if (label) label.setAttribute("for", input.id);
  var list = document.createElement("ul");
  list.id = select.id + "-list";
  list.className = "zone-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Time zones");
  list.hidden = true;
  var wrapper = document.createElement("div");
  wrapper.className = "zone-picker";
  wrapper.appendChild(input);
  wrapper.appendChild(list);
  select.insertAdjacentElement("afterend", wrapper);
  select.hidden = true;
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;

  var shown = [];
  var active = -1;

  function render() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (current && input.value === current.textContent) terms = []; // not searched yet
    shown = entries.filter(function (entry) {
      return terms.every(function (term) { return entry.search.indexOf(term) !== -1; });
    });
    list.textContent = "";
    var group = null;
    shown.forEach(function (entry, index) {
      if (entry.group !== group) {
        group = entry.group;
        var heading = document.createElement("li");
        heading.className = "zone-group";
        heading.setAttribute("role", "presentation");
        heading.textContent = group;
        list.appendChild(heading);
      }
      var item = document.createElement("li");
      item.id = select.id + "-option-" + index;
      item.className = "zone-option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(entry.value === select.value));
      item.textContent = entry.text;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { pick(index); });
      entry.item = item;
      list.appendChild(item);
    });
    if (!shown.length) {
      var none = document.createElement("li");
      none.className = "zone-none";
      none.setAttribute("role", "presentation");
      none.textContent = "No time zone matches “" + input.value + "”.";
      list.appendChild(none);
    }
    setActive(shown.length ? 0 : -1);
  }

  function setActive(index) {
    if (active >= 0 && shown[active]) shown[active].item.classList.remove("active");
    active = index;
    if (index >= 0 && shown[index]) {
      shown[index].item.classList.add("active");
      input.setAttribute("aria-activedescendant", shown[index].item.id);
      shown[index].item.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function openList() {
    if (!list.hidden) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    render();
  }

  function closeList() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function pick(index) {
    var entry = shown[index];
    if (!entry) return;
    input.value = entry.text;
    closeList();
    if (entry.value !== select.value) {
      select.value = entry.value;
      select.form.submit();
    }
  }

  input.addEventListener("focus", function () { input.select(); });
  input.addEventListener("click", openList);
  input.addEventListener("input", function () {
    if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
    render();
  });
  input.addEventListener("blur", function () {
    closeList();
    if (current) input.value = current.textContent;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { openList(); return; }
      var step = event.key === "ArrowDown" ? 1 : -1;
      if (shown.length) setActive((active + step + shown.length) % shown.length);
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) { event.preventDefault(); pick(active); }
      else event.preventDefault();
    } else if (event.key === "Escape") {
      if (!list.hidden) closeList();
      else input.value = "";
    }
  });
})();
