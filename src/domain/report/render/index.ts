/**
 * Rendering of ReportData: one self-contained HTML page (SVG charts by ECharts, inline CSS and
 * script), Markdown, and report.json (schemas/eca-report.json). Load it lazily: the charting
 * library is only needed for HTML.
 */
export { renderHtml, type HtmlOptions } from './html.js';
export { renderMarkdown, renderJson, mdText, mdCode } from './markdown.js';
export { renderCharts, checkSvg, type Chart, type ChartId } from './charts.js';
export { escapeHtml, html, trusted, Markup } from './escape.js';
export { contentSecurityPolicy, scriptHash } from './page.js';
