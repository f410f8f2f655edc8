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
