// Draw every figure built server-side and embedded as JSON (templates/_partials/_chart.html).
// A chart with data-link-base opens the job or stage a clicked bar carries in its customdata.
(function () {
  document.querySelectorAll('[data-figure]').forEach(function (el) {
    const figure = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
    if (!el.dataset.linkBase) return;
    el.on('plotly_click', function (event) {
      const link = event.points[0] && event.points[0].customdata;
      if (!link) return;
      const parts = String(link).split(':');
      location.href = el.dataset.linkBase + (parts[0] === 'job'
        ? 'jobs/' + parts[1] + '/'
        : 'stages/' + parts[1] + '/' + parts[2] + '/');
    });
  });
})();
