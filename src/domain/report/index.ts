/**
 * `sf eca report`, the pure part: the report's data model and builders (no I/O). Rendering is in
 * ./render (HTML with SVG charts, Markdown, JSON).
 */
export * from './model.js';
export * from './sources.js';
export * from './usage.js';
export * from './inventory.js';
export * from './readiness.js';
export * from './willBreak.js';
export * from './hygiene.js';
export * from './findings.js';
export * from './history.js';
export * from './mask.js';
export * from './build.js';
export { shellQuote } from './shell.js';
