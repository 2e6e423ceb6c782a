/**
 * The app model the policy audit reads: the effective settings of ../app (one reader for
 * every command), under the names the rules use. A rule is written once for both kinds of app.
 */
import { type AppSettings, type ReadOptions, readConnectedApp, readEca } from '../app/index.js';

export * from '../app/index.js';

/** An app as the audit sees it: its effective settings, with the org facts the caller gave. */
export type AuditedApp = AppSettings;
export type AuditOptions = ReadOptions;

export const fromEca = readEca;
export const fromConnectedApp = readConnectedApp;
