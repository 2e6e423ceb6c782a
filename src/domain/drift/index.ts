/**
 * The pure domain of `sf eca diff`: the field-level drift between two sets of apps, what each
 * difference means for the policy check, and the tables and Markdown people read.
 */
export * from './diff.js';
export * from './relevance.js';
export * from './render.js';
export * from './result.js';
