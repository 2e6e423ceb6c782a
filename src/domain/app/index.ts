/**
 * One reader for an app's settings (External Client App or Connected App): ./model.ts (the
 * effective settings and the decisions behind them), ./read.ts (metadata to settings),
 * ./locations.ts (which field and which file and line each setting comes from).
 */
export * from './model.js';
export * from './read.js';
export * from './locations.js';
export * from './oauthLink.js';
