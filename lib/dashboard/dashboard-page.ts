import { createHash } from 'node:crypto';

// The page is static: no CDN, no build step, no server-side templating. The script finds the
// JSON route by dropping `/ui` from its own URL (so global prefixes and custom paths work),
// renders with textContent only (operation names and error codes are never parsed as HTML) and
// polls every 2 s. Sparklines read the per-minute `history` the server keeps (the 15m window's
// slots), so they survive a reload.

const STYLE = `
:root{--bg:#0f1720;--panel:#16212c;--line:#263544;--text:#dbe5ee;--dim:#8aa0b3;--ok:#3fb37f;--err:#e5534b;--warn:#d29922;--acc:#58a6ff}
*{box-sizing:border-box}
body{margin:0;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
header{display:flex;flex-wrap:wrap;gap:18px;align-items:baseline;padding:14px 20px;border-bottom:1px solid var(--line);background:var(--panel)}
h1{font-size:17px;margin:0}
h2{font-size:14px;margin:22px 20px 8px;color:var(--dim);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.dim{color:var(--dim)}
nav a{color:var(--acc);margin-right:8px;text-decoration:none}
nav a.on{color:var(--text);font-weight:700;text-decoration:underline}
.cards{display:flex;flex-wrap:wrap;gap:10px;padding:14px 20px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:130px}
.card b{display:block;font-size:18px;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;margin:0 20px;width:calc(100% - 40px);background:var(--panel)}
th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
th{color:var(--dim);font-weight:600;position:sticky;top:0;background:var(--panel)}
th:first-child,td:first-child,td.text,th.text{text-align:left}
td.ids{white-space:normal;word-break:break-all;min-width:260px;max-width:520px;font-size:12px;color:var(--dim)}
td.bad{color:var(--err);font-weight:600}
svg.spark{display:block}
svg.spark polyline{fill:none;stroke-width:1.5}
.s-tp polyline{stroke:var(--acc)}.s-er polyline{stroke:var(--err)}.s-p95 polyline{stroke:var(--warn)}
.sev-critical{color:var(--err);font-weight:700}.sev-warning{color:var(--warn);font-weight:700}
#status{margin-left:auto}
#status.fail{color:var(--err)}
.empty{color:var(--dim);text-align:left;padding:10px}
`;

const SCRIPT = `
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var windowName = params.get('window') || '5m';
  var jsonUrl = location.pathname.replace(/\\/ui\\/?$/, '') + '?window=' + encodeURIComponent(windowName);
  var fmt = {
    int: function (n) { return String(n); },
    pct: function (x) { return (x * 100).toFixed(2) + '%'; },
    ms: function (x) { return x.toFixed(1); },
    rate: function (x) { return x.toFixed(3); },
    mb: function (b) { return (b / 1048576).toFixed(1) + ' MB'; },
  };
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function cell(field, text, cls) {
    var td = el('td', { 'data-field': field }, text);
    if (cls) td.className = cls;
    return td;
  }
  function spark(points, key, cls) {
    var w = 90, h = 22, ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark ' + cls);
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var vals = points.map(function (p) { return p[key]; });
    var max = Math.max.apply(null, vals.concat([1e-9]));
    var step = vals.length > 1 ? w / (vals.length - 1) : w;
    var pts = vals.map(function (v, i) {
      return (i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 4)).toFixed(1);
    }).join(' ');
    var line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', pts);
    svg.appendChild(line);
    var title = document.createElementNS(ns, 'title');
    title.textContent = key + ' per minute, last 15 min (max ' + max.toPrecision(3) + ')';
    svg.appendChild(title);
    return svg;
  }
  function sparkCell(field, points, key, cls) {
    var td = el('td', { 'data-field': field });
    td.appendChild(spark(points, key, cls));
    return td;
  }
  function card(id, label, value) {
    var c = document.getElementById(id);
    c.querySelector('b').textContent = value;
    c.querySelector('span').textContent = label;
  }
  function render(d) {
    document.getElementById('service').textContent = d.service;
    document.getElementById('generatedAt').textContent = d.generatedAt;
    var totals = d.operations.reduce(function (a, m) {
      a.total += m.total; a.failed += m.err + m.defect; return a;
    }, { total: 0, failed: 0 });
    card('c-total', 'operations (' + d.window + ')', fmt.int(totals.total));
    card('c-err', 'error rate', fmt.pct(totals.total ? totals.failed / totals.total : 0));
    card('c-alerts', 'active alerts', fmt.int(d.activeAlerts.length));
    card('c-up', 'uptime', d.system.uptimeSec + ' s');
    card('c-rss', 'rss / heap used', fmt.mb(d.system.rssBytes) + ' / ' + fmt.mb(d.system.heapUsedBytes));
    card('c-eld', 'event-loop delay p99', d.system.eventLoopDelayP99Ms.toFixed(2) + ' ms');

    var body = document.querySelector('#operations tbody');
    var rows = d.operations.map(function (m) {
      var tr = el('tr', { 'data-operation': m.operation });
      var h = d.history[m.operation] || [];
      tr.appendChild(cell('operation', m.operation, 'text'));
      tr.appendChild(cell('total', fmt.int(m.total)));
      tr.appendChild(cell('ok', fmt.int(m.ok)));
      tr.appendChild(cell('err', fmt.int(m.err)));
      tr.appendChild(cell('defect', fmt.int(m.defect)));
      tr.appendChild(cell('errorRate', fmt.pct(m.errorRate), m.errorRate > 0.05 ? 'bad' : ''));
      tr.appendChild(cell('throughputPerSec', fmt.rate(m.throughputPerSec)));
      tr.appendChild(cell('meanMs', fmt.ms(m.meanMs)));
      tr.appendChild(cell('p50Ms', fmt.ms(m.p50Ms)));
      tr.appendChild(cell('p95Ms', fmt.ms(m.p95Ms)));
      tr.appendChild(cell('p99Ms', fmt.ms(m.p99Ms)));
      tr.appendChild(cell('maxMs', fmt.ms(m.maxMs)));
      tr.appendChild(cell('topErrors', m.topErrors.map(function (e) { return e.code + ' ' + e.count; }).join(', '), 'text'));
      tr.appendChild(sparkCell('sparkThroughput', h, 'throughputPerSec', 's-tp'));
      tr.appendChild(sparkCell('sparkErrorRate', h, 'errorRate', 's-er'));
      tr.appendChild(sparkCell('sparkP95', h, 'p95Ms', 's-p95'));
      return tr;
    });
    if (rows.length === 0) {
      var td = el('td', { colspan: '16', class: 'empty' }, 'No operations yet.');
      rows = [el('tr')]; rows[0].appendChild(td);
    }
    body.replaceChildren.apply(body, rows);

    var ab = document.querySelector('#alerts tbody');
    var arows = d.activeAlerts.map(function (a) {
      var tr = el('tr', { 'data-alert': a.id });
      tr.appendChild(cell('rule', a.rule, 'text'));
      tr.appendChild(cell('operation', a.operation, 'text'));
      tr.appendChild(cell('severity', a.severity, 'text sev-' + a.severity));
      tr.appendChild(cell('value', String(a.value)));
      tr.appendChild(cell('threshold', String(a.threshold)));
      tr.appendChild(cell('startsAt', a.startsAt, 'text'));
      tr.appendChild(cell('sampleCorrelationIds', (a.sampleCorrelationIds || []).join(', '), 'text ids'));
      return tr;
    });
    if (arows.length === 0) {
      var none = el('td', { colspan: '7', class: 'empty' }, 'No active alerts (' + d.alertRules.length + ' rules).');
      arows = [el('tr')]; arows[0].appendChild(none);
    }
    ab.replaceChildren.apply(ab, arows);
    document.body.setAttribute('data-rendered-at', d.generatedAt);
  }
  function status(text, failed) {
    var s = document.getElementById('status');
    s.textContent = text;
    s.className = failed ? 'fail' : '';
  }
  function load() {
    fetch(jsonUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (d) { render(d); status('updated ' + new Date().toLocaleTimeString(), false); })
      .catch(function (e) { status('refresh failed: ' + e.message, true); });
  }
  document.querySelectorAll('nav a').forEach(function (a) {
    if (a.getAttribute('data-window') === windowName) a.className = 'on';
  });
  load();
  setInterval(load, 2000);
})();
`;

const BODY = `
<header>
  <h1>nestjs-rfs · <span id="service">…</span></h1>
  <nav>window: <a href="?window=1m" data-window="1m">1m</a><a href="?window=5m" data-window="5m">5m</a><a href="?window=15m" data-window="15m">15m</a><a href="?window=1h" data-window="1h">1h</a></nav>
  <span class="dim">generated <span id="generatedAt">…</span></span>
  <span id="status" class="dim">loading…</span>
</header>
<div class="cards">
  <div class="card" id="c-total"><b>…</b><span></span></div>
  <div class="card" id="c-err"><b>…</b><span></span></div>
  <div class="card" id="c-alerts"><b>…</b><span></span></div>
  <div class="card" id="c-up"><b>…</b><span></span></div>
  <div class="card" id="c-rss"><b>…</b><span></span></div>
  <div class="card" id="c-eld"><b>…</b><span></span></div>
</div>
<h2>Operations</h2>
<table id="operations">
  <thead><tr><th>operation</th><th>total</th><th>ok</th><th>err</th><th>defect</th><th>error rate</th><th>ops/s</th><th>mean ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th class="text">top errors</th><th>throughput 15m</th><th>error rate 15m</th><th>p95 15m</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Active alerts</h2>
<table id="alerts">
  <thead><tr><th>rule</th><th class="text">operation</th><th class="text">severity</th><th>value</th><th>threshold</th><th class="text">since</th><th class="text">sample correlation ids</th></tr></thead>
  <tbody></tbody>
</table>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** The dashboard page (one self-contained HTML document). */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nestjs-rfs dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

/** Content-Security-Policy of the page: only its own inline script and style, JSON from self. */
export const DASHBOARD_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
