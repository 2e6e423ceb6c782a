/**
 * The page's own CSS and script, inlined into the report so it opens with no network. The
 * script only sorts and filters tables already in the page: it reads no data island, loads
 * nothing and writes no HTML. The Content-Security-Policy admits this script by its hash and
 * nothing else, so even markup that slipped past escaping could not run.
 */
import { createHash } from 'node:crypto';

export const CSS = `
:root { --ink: #1d2330; --muted: #5b6474; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; --accent: #2b5c8a;
  --critical: #7a1f3d; --high: #c8453b; --medium: #e29a2d; --low: #5b8f6b; --ok: #2e7d4f; --warn: #b26b00; --bad: #b3261e; }
* { box-sizing: border-box; }
html { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
header.top { background: #16233a; color: #fff; padding: 20px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 1.5rem; }
header.top p { margin: 0; color: #c9d3e3; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 32px 48px; }
section { margin: 24px 0; }
h2 { font-size: 1.25rem; margin: 0 0 12px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 18px 0 8px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.kpi .value { font-size: 1.9rem; font-weight: 700; line-height: 1.1; }
.kpi .label { color: var(--muted); font-size: .9rem; }
.kpi.bad .value { color: var(--bad); } .kpi.ok .value { color: var(--ok); } .kpi.warn .value { color: var(--warn); }
.lede { font-size: 1.05rem; max-width: 70em; }
.charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin-top: 12px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; margin-bottom: 6px; font-size: .95rem; }
figure .empty { color: var(--muted); padding: 24px 0; text-align: center; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
table { border-collapse: collapse; width: 100%; background: var(--card); font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; min-width: 4.5em; }
th { background: #eef1f5; position: sticky; top: 0; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \\2195"; color: var(--muted); font-size: .8em; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--ink); }
th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th.num { white-space: nowrap; }
tr[hidden] { display: none; }
.filters { display: flex; gap: 8px; align-items: center; margin: 6px 0; flex-wrap: wrap; }
.filters input, .filters select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
.filters .count { color: var(--muted); font-size: .85rem; }
.sev { display: inline-block; padding: 0 6px; border-radius: 4px; color: #fff; font-size: .8rem; font-weight: 600; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); color: #1d2330; } .sev.low { background: var(--low); }
.status { font-weight: 600; } .status.pass, .status.eligible, .status.converted { color: var(--ok); }
.status.fail, .status.not-convertible, .status.error { color: var(--bad); } .status.attention, .status.not-assessed { color: var(--warn); }
code, .cmd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; background: #eef1f5; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.cmd { display: block; padding: 6px 8px; margin: 4px 0; }
.error-box { border: 1px solid var(--bad); background: #fdf1f0; border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.muted { color: var(--muted); }
.unconfirmed { color: var(--warn); font-weight: 600; }
ul.tight { margin: 4px 0; padding-left: 20px; }
a { color: var(--accent); }
@media (max-width: 1000px) { .kpis { grid-template-columns: repeat(2, 1fr); } .charts { grid-template-columns: 1fr; } }
@media print {
  html { background: #fff; font-size: 10.5pt; }
  header.top { background: #fff; color: #000; border-bottom: 2px solid #000; padding: 0 0 8px; }
  header.top p { color: #333; }
  main { max-width: none; padding: 0; }
  .filters, .no-print { display: none !important; }
  tr[hidden] { display: table-row; }
  th { position: static; }
  th button::after { content: ""; }
  figure, .kpi, .error-box, tr { break-inside: avoid; }
  section.summary { break-after: page; }
  .charts { grid-template-columns: repeat(2, 1fr); }
  a { color: #000; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; color: #333; }
}
`;

/** Sorting and filtering of every table marked data-table. */
export const SCRIPT = `(function () {
  'use strict';
  function value(row, index, type) {
    var cell = row.cells[index];
    if (!cell) return type === 'number' ? 0 : '';
    var v = cell.getAttribute('data-value');
    if (v === null) v = cell.textContent.trim();
    if (type === 'number') { var n = parseFloat(v); return isNaN(n) ? 0 : n; }
    return v.toLowerCase();
  }
  function sortBy(table, th, index) {
    var type = th.querySelector('button').getAttribute('data-sort');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, type), y = value(b, index, type);
      var r = x < y ? -1 : x > y ? 1 : 0;
      return dir === 'ascending' ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function filter(name) {
    var table = document.querySelector('table[data-table="' + name + '"]');
    if (!table) return;
    var text = '';
    var columns = [];
    document.querySelectorAll('[data-filter-for="' + name + '"]').forEach(function (el) {
      var column = el.getAttribute('data-filter-column');
      if (column) { if (el.value) columns.push([column, el.value]); } else { text = el.value.trim().toLowerCase(); }
    });
    var shown = 0, total = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      total++;
      var ok = !text || row.textContent.toLowerCase().indexOf(text) >= 0;
      columns.forEach(function (c) { if (row.getAttribute('data-' + c[0]) !== c[1]) ok = false; });
      row.hidden = !ok;
      if (ok) shown++;
    });
    var counter = document.querySelector('[data-count-for="' + name + '"]');
    if (counter) counter.textContent = shown + ' of ' + total;
  }
  document.querySelectorAll('table[data-table]').forEach(function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector('button[data-sort]');
      if (button) button.addEventListener('click', function () { sortBy(table, th, index); });
    });
  });
  document.querySelectorAll('[data-filter-for]').forEach(function (el) {
    var name = el.getAttribute('data-filter-for');
    el.addEventListener('input', function () { filter(name); });
    el.addEventListener('change', function () { filter(name); });
  });
  document.documentElement.classList.add('js');
})();`;

/** 'sha256-...' of a script, for the Content-Security-Policy. */
export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}

/** Nothing loads from anywhere; only this page's script runs; inline styles (the SVG's too) apply. */
export function contentSecurityPolicy(script: string): string {
  return [
    "default-src 'none'",
    "img-src data:",
    "style-src 'unsafe-inline'",
    `script-src '${scriptHash(script)}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "connect-src 'none'",
  ].join('; ');
}
