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

export const EXIT_CODES = {
  generate: { Written: 0, Failed: 1, Usage: 2 },
  create: { Succeeded: 0, Failed: 1, Usage: 2, InProgress: 69 },
  list: { Listed: 0, Failed: 1, Usage: 2 },
  display: { Shown: 0, Failed: 1, Usage: 2 },
  convert: { Converted: 0, Failed: 1, Usage: 2, NeedsAttention: 68 },
  migrate: { Succeeded: 0, Failed: 1, Usage: 2, PartialSuccess: 68, InProgress: 69 },
  policyCheck: { Passed: 0, Findings: 1, Error: 2, Incomplete: 2 },
  tokenVerify: { Verified: 0, Failed: 1, Usage: 2, Refused: 3 },
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
  report: { failed: EXIT_CODES.report.Failed, org: EXIT_CODES.report.Failed, usage: EXIT_CODES.report.Usage },
};
