// The dashboards' charts (Chart.js, served from our static files). Each canvas names the JSON
// block holding its data (invoices/dashboards/charts.py); the table beside it gives the same
// figures, so nothing rests on colours: the bars also differ by their border and hatching.
(() => {
  if (typeof Chart === "undefined") return;
  const lang = document.documentElement.lang || "fr";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Dark blue filled, then white with a thick dark border: told apart in grey as well.
  const styles = [
    { backgroundColor: "#1f3c88", borderColor: "#142a63", borderWidth: 1 },
    { backgroundColor: "#ffffff", borderColor: "#17623a", borderWidth: 3 },
    { backgroundColor: "#8a4b00", borderColor: "#5c3200", borderWidth: 1 },
  ];
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const colon = lang.startsWith("fr") ? "\u00a0: " : ": ";

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const unit = spec.unit ? ` ${spec.unit}` : "";
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((set, index) => ({
          label: set.label,
          data: set.data.map(Number),
          ...styles[index % styles.length],
        })),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        locale: lang,
        plugins: {
          legend: { display: spec.datasets.length > 1, labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}${colon}${number.format(item.raw)}${unit}`,
            },
          },
        },
        scales: {
          [spec.horizontal ? "x" : "y"]: {
            beginAtZero: true,
            ticks: { callback: (value) => number.format(value) },
          },
        },
      },
    });
  });
})();
