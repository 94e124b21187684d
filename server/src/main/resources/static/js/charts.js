// The usage charts, drawn with Chart.js from the data the server renders beside each canvas.
(function () {
    // Usage charts (Chart.js): each canvas[data-usage-chart] names the JSON block with its labels and datasets, their
    // colours included (the server's ChartColours gives a feature one colour on every chart). Drawn when the page
    // loads and whenever htmx swaps in a panel; a canvas that already has its chart is left alone.
    function drawUsageCharts() {
        if (!window.Chart) {
            return;
        }
        document.querySelectorAll('canvas[data-usage-chart]').forEach(function (canvas) {
            if (window.Chart.getChart(canvas)) {
                return;
            }
            const block = document.getElementById(canvas.dataset.usageChart);
            if (!block) {
                return;
            }
            const data = JSON.parse(block.textContent);
            new window.Chart(canvas, {
                type: 'bar',
                data: {labels: data.labels, datasets: data.datasets},
                options: {
                    animation: false,
                    responsive: true,
                    maintainAspectRatio: false,
                    indexAxis: data.horizontal ? 'y' : 'x',
                    scales: data.horizontal ? {x: {beginAtZero: true}}
                        : {x: {stacked: true}, y: {stacked: true, beginAtZero: true}},
                    plugins: {legend: {display: !data.horizontal && data.datasets.length > 1, position: 'bottom'}}
                }
            });
        });
    }
    document.addEventListener('DOMContentLoaded', drawUsageCharts);
    document.addEventListener('htmx:afterSettle', drawUsageCharts);
    window.addEventListener('load', drawUsageCharts);
})();
