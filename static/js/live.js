// Live status without full reloads: an element with data-live-url is re-fetched every few
// seconds while its content holds something active (data-active="true"), then it stops.
(function () {
  const PERIOD_MS = 2000;
  function isActive(el) {
    return el.querySelector('[data-active="true"]') !== null;
  }
  function watch(el) {
    if (!isActive(el)) return;
    const timer = setInterval(async function () {
      try {
        const response = await fetch(el.dataset.liveUrl, { headers: { 'X-Requested-With': 'fetch' } });
        if (!response.ok) return;
        el.innerHTML = await response.text();
        if (!isActive(el)) { clearInterval(timer); if (el.dataset.reloadWhenDone) location.reload(); }
      } catch (error) { /* offline for a moment: try again next tick */ }
    }, PERIOD_MS);
  }
  document.querySelectorAll('[data-live-url]').forEach(watch);
})();
