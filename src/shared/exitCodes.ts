/**
 * Every exit code of every command, in one table: the help's ERROR CODES section
 * (src/shared/ecaCommand.ts, with the descriptions in messages/exitCodes.md) and the exit status
 * (the commands set it from here, and the shared error mapping gives each kind of failure its
 * code) come from it, so they cannot disagree. Like plugin-deploy-retrieve's utils/errorCodes.ts.
 *
 * Conventions, the same for every command: 0 success; 1 the command failed (policy check: 1 is
 * "findings", so its failures are 2); 2 usage (a flag the parser rejects), as sf itself uses 2 for
 * flag parsing errors; 68 partial success and 69 still in progress, as `sf project deploy` uses them.
 */

/**
 * The codes of every command that deploys (spread them into its row: `...DEPLOY_EXIT_CODES`), for
 * when the command stops before the deploy ends. 69: the org accepted the deploy and it goes on
 * there, but the command stopped watching it (--wait ran out, the connection dropped, a status
 * request failed), as `sf project deploy` exits 69 for a deploy still InProgress
 * (plugin-deploy-retrieve src/utils/errorCodes.ts). 130 and 143: Ctrl-C (SIGINT) or SIGTERM
 * while a deploy was in flight, 128 + the signal's number as shells report a process a signal
 * stopped. The error names the deploy ID and the `sf project deploy resume|report` lines
 * (src/org/errors.ts); the shared error mapping keeps these codes, so the operation does nothing.
 * Their help texts are the `deploy.*` entries of messages/exitCodes.md unless the command has its own.
 */
export const DEPLOY_EXIT_CODES = { InProgress: 69, Interrupted: 130, Terminated: 143 } as const;

export const EXIT_CODES = {
  generate: { Written: 0, Failed: 1, Usage: 2 },
  create: { Succeeded: 0, Failed: 1, Usage: 2, ...DEPLOY_EXIT_CODES },
  list: { Listed: 0, Failed: 1, Usage: 2 },
  display: { Shown: 0, Failed: 1, Usage: 2 },
  convert: { Converted: 0, Failed: 1, Usage: 2, NeedsAttention: 68, ...DEPLOY_EXIT_CODES },
  migrate: { Succeeded: 0, Failed: 1, Usage: 2, PartialSuccess: 68, ...DEPLOY_EXIT_CODES },
  policyCheck: { Passed: 0, Findings: 1, Error: 2, Incomplete: 2 },
  tokenVerify: { Verified: 0, Failed: 1, Usage: 2, Refused: 3 },
  // with --allow-secret-access the org setting is deployed on and off again
  snapshot: { Written: 0, Failed: 1, Usage: 2, ...DEPLOY_EXIT_CODES },
  diff: { Identical: 0, Different: 1, Error: 2 },
  restore: { Succeeded: 0, Failed: 1, Usage: 2, PartialSuccess: 68, ...DEPLOY_EXIT_CODES },
  doctor: { Passed: 0, Failed: 1, Usage: 2, Incomplete: 3 },
  loginClientCredentials: { LoggedIn: 0, Failed: 1, Usage: 2, Refused: 3 },
  credentialsStage: { Staged: 0, Failed: 1, Usage: 2, ...DEPLOY_EXIT_CODES },
  credentialsRotate: { Rotated: 0, Failed: 1, Usage: 2, Refused: 3, PartialSuccess: 68, ...DEPLOY_EXIT_CODES },
  credentialsRevoke: { Revoked: 0, Failed: 1, Usage: 2, ...DEPLOY_EXIT_CODES },
  credentialsStatus: { Shown: 0, Failed: 1, Usage: 2, Incomplete: 68, ...DEPLOY_EXIT_CODES },
  certRotate: { Rotated: 0, Failed: 1, Usage: 2, Refused: 3, ...DEPLOY_EXIT_CODES },
  report: { Written: 0, Failed: 1, Usage: 2, Incomplete: 68 },
} as const;

export type CommandId = keyof typeof EXIT_CODES;

/** The code each kind of failure takes: a named error of the command, an org or network failure, a flag the parser rejects. */
export type FailureCodes = { readonly failed: number; readonly org: number; readonly usage: number };

export const FAILURE_CODES: Readonly<Record<CommandId, FailureCodes>> = {
  generate: { failed: EXIT_CODES.generate.Failed, org: EXIT_CODES.generate.Failed, usage: EXIT_CODES.generate.Usage },
  create: { failed: EXIT_CODES.create.Failed, org: EXIT_CODES.create.Failed, usage: EXIT_CODES.create.Usage },
  list: { failed: EXIT_CODES.list.Failed, org: EXIT_CODES.list.Failed, usage: EXIT_CODES.list.Usage },
  display: { failed: EXIT_CODES.display.Failed, org: EXIT_CODES.display.Failed, usage: EXIT_CODES.display.Usage },
  convert: { failed: EXIT_CODES.convert.Failed, org: EXIT_CODES.convert.Failed, usage: EXIT_CODES.convert.Usage },
  migrate: { failed: EXIT_CODES.migrate.Failed, org: EXIT_CODES.migrate.Failed, usage: EXIT_CODES.migrate.Usage },
  policyCheck: { failed: EXIT_CODES.policyCheck.Error, org: EXIT_CODES.policyCheck.Error, usage: EXIT_CODES.policyCheck.Error },
  tokenVerify: { failed: EXIT_CODES.tokenVerify.Failed, org: EXIT_CODES.tokenVerify.Failed, usage: EXIT_CODES.tokenVerify.Usage },
  snapshot: { failed: EXIT_CODES.snapshot.Failed, org: EXIT_CODES.snapshot.Failed, usage: EXIT_CODES.snapshot.Usage },
  diff: { failed: EXIT_CODES.diff.Error, org: EXIT_CODES.diff.Error, usage: EXIT_CODES.diff.Error },
  restore: { failed: EXIT_CODES.restore.Failed, org: EXIT_CODES.restore.Failed, usage: EXIT_CODES.restore.Usage },
  // a gate: 1 means a check failed, so an org it could not read (or any other failure to run) is never 1
  doctor: { failed: EXIT_CODES.doctor.Incomplete, org: EXIT_CODES.doctor.Incomplete, usage: EXIT_CODES.doctor.Usage },
  loginClientCredentials: { failed: EXIT_CODES.loginClientCredentials.Failed, org: EXIT_CODES.loginClientCredentials.Failed, usage: EXIT_CODES.loginClientCredentials.Usage },
  credentialsStage: { failed: EXIT_CODES.credentialsStage.Failed, org: EXIT_CODES.credentialsStage.Failed, usage: EXIT_CODES.credentialsStage.Usage },
  credentialsRotate: { failed: EXIT_CODES.credentialsRotate.Failed, org: EXIT_CODES.credentialsRotate.Failed, usage: EXIT_CODES.credentialsRotate.Usage },
  credentialsRevoke: { failed: EXIT_CODES.credentialsRevoke.Failed, org: EXIT_CODES.credentialsRevoke.Failed, usage: EXIT_CODES.credentialsRevoke.Usage },
  credentialsStatus: { failed: EXIT_CODES.credentialsStatus.Failed, org: EXIT_CODES.credentialsStatus.Failed, usage: EXIT_CODES.credentialsStatus.Usage },
  certRotate: { failed: EXIT_CODES.certRotate.Failed, org: EXIT_CODES.certRotate.Failed, usage: EXIT_CODES.certRotate.Usage },
  report: { failed: EXIT_CODES.report.Failed, org: EXIT_CODES.report.Failed, usage: EXIT_CODES.report.Usage },
};
