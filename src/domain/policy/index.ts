/**
 * The policy audit behind `sf eca policy check`: normalised apps (./app.ts), the rule catalogue
 * (./rules.ts), the policy file (./config.ts), evaluation (./evaluate.ts), and the SARIF and JUnit formatters.
 */
export * from './app.js';
export * from './rules.js';
export * from './config.js';
export * from './evaluate.js';
export * from './sarif.js';
export * from './junit.js';
export * from './fix.js';
export * from './problems.js';
