// The back-office health page's chart: exchanges with Chorus Pro and failures per hour, drawn by
// the vendored Chart.js from the figures the page carries (its table shows them without JS).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("health-chart");
  const source = document.getElementById("health-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.exchangesLabel, data: data.exchanges, backgroundColor: "#1f3c88" },
        { label: data.failuresLabel, data: data.failures, backgroundColor: "#b3261e" },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
