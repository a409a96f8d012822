// Draw every server-built plotly figure on the page: <div id=X> + <script id=X-data>.
(function () {
  document.querySelectorAll('.chart[id]').forEach(function (target) {
    const source = document.getElementById(target.id + '-data');
    if (!source || typeof Plotly === 'undefined') return;
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
  });
})();
