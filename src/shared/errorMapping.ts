/**
 * Every error a command ends with, given the exit code its help documents: one place, used by the
 * base command's catch (./ecaCommand.ts), not by each command.
 *
 * - A flag the parser rejects (unknown flag, bad option value, flags that cannot go together):
 *   the command's usage code. But an org flag whose org the CLI cannot open (an unknown alias, an
 *   authorization it cannot decrypt) is an org failure, even when oclif reports it while parsing. Under sf, oclif gives a bad option value the CLI's default exit
 *   code (1, which for policy check means "findings"); here it is the documented code.
 * - An org or network failure (an org the CLI cannot open, an org that does not answer, an
 *   expired authorization, a request limit, a Salesforce error): the command's named org error
 *   with the code for org failures and an action naming the org as the user typed it.
 * - A deploy the command stopped watching (src/org/errors.ts): 69 when the org accepted it and it
 *   goes on (--wait ran out, the connection dropped, a status request failed), 130 or 143 on
 *   Ctrl-C or SIGTERM (DEPLOY_EXIT_CODES in ./exitCodes.ts), whatever the cause the error names.
 * - Any other named error of the command: the code it carries when it is not the default 1,
 *   else the command's failure code.
 *
 * sf-plugins-core computes the exit code from the error's message, stack and cause chain before
 * anything else: "TypeError" anywhere gives 10, a Salesforce ErrorId ("1234567890-12345
 * (-1234567890)") gives 20. The error thrown from here carries neither: no cause of that kind,
 * and the ErrorId written so it stays readable for support but is not taken for a crash.
 */
import { SfError } from '@salesforce/core';
import { isDeployStop, isOrgError, isUnreachable, orgOpenError, orgRequestError } from '../org/errors.js';
import type { FailureCodes } from './exitCodes.js';

/** The errors oclif's parser raises (@oclif/core parser/errors). */
const PARSE_ERRORS = new Set([
  'CLIParseError',
  'InvalidArgsSpecError',
  'RequiredArgsError',
  'UnexpectedArgsError',
  'NonExistentFlagsError',
  'FlagInvalidOptionError',
  'ArgInvalidOptionError',
  'FailedFlagValidationError',
  'ViolatedFlagConstraintError',
]);

/** Errors the CLI raises when a flag names an org it cannot open: org failures, even inside flag parsing. */
const ORG_OPEN_ERRORS = new Set(['NamedOrgNotFoundError', 'NoAuthInfoFound', 'NoDefaultEnvError', 'AuthInfoCreationError', 'DomainNotFoundError', 'NoAliasFoundError']);

/** sf-plugins-core's gack pattern: a Salesforce ErrorId. */
const ERROR_ID = /(\d{9,}-\d{3,}) \((-?\d{7,})\)/;
const ERROR_IDS = new RegExp(ERROR_ID.source, 'g');

/**
 * An org flag's value the CLI could not turn into an org while parsing it (an authorization it
 * cannot decrypt, for instance): oclif wraps the error as "Parsing --target-org ...", but it is
 * the org that failed, not the command line.
 */
function isOrgFlagFailure(e: Error): boolean {
  return /^Parsing --[\w-]*(org|dev-hub)\b/.test(e.message) && !PARSE_ERRORS.has(e.name) && !PARSE_ERRORS.has(e.constructor.name) && !('parse' in e && 'oclif' in e);
}

/** The error without oclif's wrapping ("Parsing --target-org \n\t...\nSee more help with --help"). */
function unwrapped(e: Error): Error {
  return new SfError(e.message.replace(/^Parsing --[\w-]+\s*/, '').replace(/\s*See more help with --help\s*$/, ''), e.name, (e as SfError).actions);
}

function isParseError(e: Error): boolean {
  return PARSE_ERRORS.has(e.name) || /^Parsing --[\w-]+ /.test(e.message) || ('parse' in e && 'oclif' in e);
}

function looksLikeOrgFailure(e: Error): boolean {
  return ORG_OPEN_ERRORS.has(e.name) || isUnreachable(e) || ERROR_ID.test(`${e.message}`) || /INVALID_SESSION_ID|REQUEST_LIMIT_EXCEEDED|RefreshTokenAuthError|expired access\/refresh token/.test(`${e.name} ${e.message}`);
}

/** "ErrorId 1234567890-12345 (-1234567890)" becomes "ErrorId 1234567890-12345, -1234567890": the same id, not taken for a crash. */
export function readableErrorIds(text: string): string {
  return text.replace(ERROR_IDS, '$1, $2');
}

function hasTrap(e: unknown, depth = 0): boolean {
  if (!(e instanceof Error) || depth > 5) return false;
  if (e instanceof TypeError || e.name === 'TypeError' || /TypeError/.test(e.message) || ERROR_ID.test(e.message)) return true;
  return hasTrap((e as { cause?: unknown }).cause, depth + 1);
}

function rebuilt(e: SfError, exitCode: number): SfError {
  const out = new SfError(readableErrorIds(e.message).replace(/\bTypeError:?\s*/g, ''), e.name, e.actions?.map(readableErrorIds), exitCode, hasTrap(e.cause) ? undefined : e.cause);
  if (e.data !== undefined) out.setData(e.data);
  return out;
}

/**
 * The error the command ends with, named, with its documented exit code. `org` is the alias or
 * username the user typed (or the default org's), for org failures that do not name one yet.
 */
export function documentedError(error: unknown, codes: FailureCodes, org: string | undefined): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (isDeployStop(e)) return rebuilt(e, e.exitCode);
  if (!isOrgError(e) && isOrgFlagFailure(e)) return rebuilt(orgOpenError(unwrapped(e), org ?? 'the org') as SfError, codes.org);
  if (!isOrgError(e) && !ORG_OPEN_ERRORS.has(e.name) && isParseError(e)) {
    // oclif's parse errors are named by their class (FlagInvalidOptionError), their `name` says Error
    const name = e.name === 'Error' && e.constructor.name !== 'Error' ? e.constructor.name : e.name;
    return rebuilt(new SfError(e.message, name, (e as SfError).actions), codes.usage);
  }
  // a code the command chose on purpose (69 in progress, 3 refused, ...) stands
  if (e instanceof SfError && !isOrgError(e) && e.exitCode !== undefined && e.exitCode !== 1) return rebuilt(e, e.exitCode);
  if (isOrgError(e) || looksLikeOrgFailure(e)) {
    const named = isOrgError(e) ? e : ORG_OPEN_ERRORS.has(e.name) ? orgOpenError(e, org ?? 'the org') : orgRequestError(e, 'A request', org ?? 'the org');
    return rebuilt(named instanceof SfError ? named : SfError.wrap(named), codes.org);
  }
  if (e instanceof SfError) return rebuilt(e, codes.failed);
  // a programming error stays what it is (sf exits 10): it is a bug to report, not a documented outcome
  if (e instanceof TypeError || e.name === 'TypeError') return e;
  // a domain error (pure code cannot import SfError) may carry its own actions: keep them
  const actions = (e as { actions?: unknown }).actions;
  const kept = Array.isArray(actions) && actions.every((a) => typeof a === 'string') ? (actions as string[]) : undefined;
  return rebuilt(new SfError(e.message, e.name === 'Error' ? 'UnexpectedError' : e.name, kept, codes.failed, e), codes.failed);
}
