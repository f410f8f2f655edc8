// First visit to a booking page: show the times in the browser's own time zone.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var params = new URLSearchParams(window.location.search);
  if (zone && !params.has("tz")) {
    params.set("tz", zone);
    window.location.replace(window.location.pathname + "?" + params.toString());
  }
})();
