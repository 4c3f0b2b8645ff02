/**
 * One self-contained HTML page: per alarm a uPlot chart of the compared series, its threshold, and the ALARM spans
 * shaded. uPlot (MIT) and its stylesheet are inlined, so the page opens from disk without any network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AlarmReport, ChartData } from './report.js';

const require = createRequire(import.meta.url);

function asset(path: string): string {
  return readFileSync(require.resolve(path), 'utf8');
}

/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderHtml(opts: {
  environment: string;
  start: Date;
  end: Date;
  reports: readonly AlarmReport[];
  charts: readonly ChartData[];
}): string {
  const uplotJs = asset('uplot/dist/uPlot.iife.min.js');
  const uplotCss = asset('uplot/dist/uPlot.min.css');
  const rows = opts.reports
    .map(
      (r, i) =>
        `<tr class="${r.alarms ? 'fired' : ''}"><td><a href="#c${i}">${esc(r.alarm)}</a></td><td>${esc(r.severity)}</td><td>${r.alarms}</td><td>${r.minutesInAlarm}</td><td>${esc(r.warnings.join('; '))}</td></tr>`,
    )
    .join('\n');
  const charts = opts.charts
    .map(
      (c, i) =>
        `<section id="c${i}"><h2>${esc(c.alarm)} <small>${esc(c.severity)}</small></h2><p class="cond">${esc(c.condition)}</p><div class="chart" data-i="${i}"></div></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Alarm backtest: ${esc(opts.environment)}</title>
<style>${uplotCss}
body{font:14px system-ui,sans-serif;margin:20px;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
tr.fired td{background:#fde8e8}section{margin:24px 0}h2{font-size:15px;margin:0}
h2 small{color:#a00}.cond{font:12px monospace;color:#555;margin:2px 0 6px}
</style></head><body>
<h1>Alarm backtest: ${esc(opts.environment)}</h1>
<p>${esc(opts.start.toISOString())} to ${esc(opts.end.toISOString())} (UTC). Red bands: the alarm in ALARM; dashed line: threshold.</p>
<table><tr><th>alarm</th><th>severity</th><th>ALARMs</th><th>minutes in ALARM</th><th>warnings</th></tr>
${rows}
</table>
${charts}
<script>${uplotJs}</script>
<script>
const CHARTS = ${scriptJson(opts.charts)};
function bands(spans) {
  return { hooks: { drawClear: [(u) => {
    const ctx = u.ctx; ctx.save(); ctx.fillStyle = 'rgba(220,40,40,0.22)';
    for (const s of spans) {
      const x0 = u.valToPos(s.start, 'x', true), x1 = u.valToPos(s.end, 'x', true);
      ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
    }
    ctx.restore();
  }] } };
}
for (const el of document.querySelectorAll('.chart')) {
  const c = CHARTS[Number(el.dataset.i)];
  const xs = c.x.length ? c.x : [${opts.start.getTime() / 1000}, ${opts.end.getTime() / 1000}];
  const ys = c.x.length ? c.y : [null, null];
  const state = c.threshold === undefined;
  const series = [{}, { label: state ? 'state (1 = ALARM)' : 'value', stroke: '#1f5fbf', width: 1.5, spanGaps: false,
    ...(state ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}) }];
  const data = [xs, ys];
  if (c.threshold !== undefined) {
    series.push({ label: 'threshold', stroke: '#c00', dash: [6, 4], width: 1, points: { show: false } });
    data.push(xs.map(() => c.threshold));
  }
  new uPlot({ width: Math.min(1100, window.innerWidth - 60), height: 220, series, plugins: [bands(c.spans)],
    scales: { x: { time: true, range: [${opts.start.getTime() / 1000}, ${opts.end.getTime() / 1000}] } } }, data, el);
}
document.body.dataset.rendered = String(document.querySelectorAll('.uplot').length);
</script>
</body></html>
`;
}
