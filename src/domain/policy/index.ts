/**
 * The policy audit behind `sf eca policy check`: normalised apps (./app.ts), the rule catalogue
 * (./rules.ts), policy as code and evaluation (./config.ts), and the SARIF and JUnit formatters.
 */
export * from './app.js';
export * from './rules.js';
export * from './config.js';
export * from './sarif.js';
export * from './junit.js';
export * from './fix.js';
