/**
 * The org setting "Allow access to External Client App consumer secrets via REST API"
 * (ExternalClientAppSettings.enableClientSecretInRestApiAccess, deployed as Settings:ExternalClientApp),
 * turned on for the duration of one piece of work and off again afterwards.
 *
 * API (kept stable: `snapshot --include-credentials` and the credentials commands use it):
 *
 *   const { value, access } = await withSecretAccess(session, { allow, onChange }, async () => work());
 *
 *   - reads the setting (one retrieve of Settings:ExternalClientApp);
 *   - on already: runs the work and changes nothing (access.changed false);
 *   - off and `allow` false: throws SecretAccessDisabledError (named, with the actions) before any work;
 *   - off and `allow` true: deploys it on (only that field), runs the work, and in a `finally` deploys
 *     it off again, retrying once. If it cannot be turned off, throws StillOnError, which
 *     says that the setting is still ON, how to turn it off, what the work had done (`describe`) and
 *     the work's own error if it failed too. Ctrl-C, SIGTERM or SIGHUP while it is on turns it off
 *     before the process ends (exit 130, 143 or 129).
 *   - `onChange` hears 'turning-on' | 'on' | 'turning-off' | 'off-again' for progress and output.
 *
 * Every step is written to the trace log by name.
 */
import { Logger, Messages, SfError } from '@salesforce/core';
import { isDeployStop } from './errors.js';
import { secretAccessSetupUrl } from './oauthCredentials.js';
import type { OrgAccess } from './orgAccess.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.orgSettings');

export const SECRET_ACCESS_SETTING = 'enableClientSecretInRestApiAccess';
export const SETTINGS_TYPE = 'ExternalClientAppSettings';
export const SETTINGS_MEMBER = 'ExternalClientApp';

export type SecretAccessChange = 'turning-on' | 'on' | 'turning-off' | 'off-again';

export type SecretAccessOutcome = {
  /** the setting was on before the work */
  readonly wasOn: boolean;
  /** the command turned it on for the work, and turned it off again */
  readonly changed: boolean;
};

/** The part of a Session this module needs. */
export type SettingsTarget = { readonly access: OrgAccess; readonly name: string; readonly instanceUrl?: string };

export type SecretAccessOptions = {
  /** --allow-secret-access: turn the setting on for the work when it is off */
  readonly allow: boolean;
  readonly onChange?: (change: SecretAccessChange) => void;
  /** what the work did, for the error that says the setting is still on (never a secret) */
  readonly describe?: (value: unknown) => string;
  /** the flag that allows the change, named in the refusal (default --allow-secret-access) */
  readonly allowFlag?: string;
  /** tests: wait between the two tries to turn it off (default 2 s) */
  readonly retryDelayMs?: number;
};

const logger = (): Logger => Logger.childFromRoot('eca:orgSettings');

/** Whether the org lets consumer secrets be read through the REST API (one retrieve). */
export async function readSecretAccess(target: SettingsTarget): Promise<boolean> {
  const found = await target.access.retrieve([{ type: 'Settings', fullName: SETTINGS_MEMBER }]);
  const settings = found.find((c) => c.type === SETTINGS_TYPE);
  const v = settings?.values[SECRET_ACCESS_SETTING];
  return v === true || v === 'true';
}

/** Deploys the one field; throws when the deploy did not succeed. */
async function deploySecretAccess(target: SettingsTarget, on: boolean): Promise<void> {
  const outcome = await target.access.deploy([{ type: SETTINGS_TYPE, fullName: SETTINGS_MEMBER, values: { [SECRET_ACCESS_SETTING]: on } }], { checkOnly: false, cleanup: !on });
  if (!outcome.success) {
    const why = outcome.failures.map((f) => f.problem).join('; ') || outcome.status;
    throw new Error(`deploy ${outcome.id} ${outcome.status}: ${why}`);
  }
}

/** Runs `work` with REST access to consumer secrets, turning the setting on and off again when allowed. */
export async function withSecretAccess<T>(target: SettingsTarget, options: SecretAccessOptions, work: () => Promise<T>): Promise<{ value: T; access: SecretAccessOutcome }> {
  const log = logger();
  const wasOn = await readSecretAccess(target);
  log.trace(`secret access: ${SECRET_ACCESS_SETTING} is ${wasOn ? 'on' : 'off'} in ${target.name}`);
  if (wasOn) return { value: await work(), access: { wasOn, changed: false } };
  if (!options.allow) {
    throw messages.createError('error.Disabled', [target.name], [options.allowFlag ?? '--allow-secret-access', secretAccessSetupUrl(target.instanceUrl)]);
  }
  options.onChange?.('turning-on');
  log.trace(`secret access: turning ${SECRET_ACCESS_SETTING} on in ${target.name}`);
  try {
    await deploySecretAccess(target, true);
  } catch (e) {
    if (isDeployStop(e)) {
      // interrupted, or --wait ran out: the deploy goes on in the org and the setting may come on
      // after this command ends, so it is turned off again (a repair deploy, queued after it)
      const offError = await turnOff(target, 0);
      if (offError !== undefined) throw stillOnError(target, offError, undefined, e);
      throw messages.createError('error.TurnOnStopped', [target.name, e.message], [], e.exitCode);
    }
    throw messages.createError('error.TurnOnFailed', [target.name, e instanceof Error ? e.message : String(e)], [secretAccessSetupUrl(target.instanceUrl)]);
  }
  options.onChange?.('on');
  const guard = signalGuard(target, options);
  // the work's outcome, whatever it is, then the setting goes off again (the finally of the work)
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await work() };
  } catch (e) {
    outcome = { ok: false, error: e };
  }
  guard.release();
  options.onChange?.('turning-off');
  const restoreError = await turnOff(target, options.retryDelayMs ?? 2000);
  if (restoreError !== undefined) {
    log.trace(`secret access: ${SECRET_ACCESS_SETTING} is still on in ${target.name}`);
    throw stillOnError(target, restoreError, outcome.ok ? (options.describe?.(outcome.value) ?? 'it finished') : undefined, outcome.ok ? undefined : outcome.error);
  }
  options.onChange?.('off-again');
  log.trace(`secret access: ${SECRET_ACCESS_SETTING} is off again in ${target.name}`);
  if (!outcome.ok) throw withNote(outcome.error, target.name);
  return { value: outcome.value, access: { wasOn, changed: true } };
}

/** Turns the setting off, trying twice; the last error when both fail. */
async function turnOff(target: SettingsTarget, delayMs: number): Promise<string | undefined> {
  let last: string | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      logger().trace(`secret access: turning ${SECRET_ACCESS_SETTING} off in ${target.name} (attempt ${attempt})`);
      await deploySecretAccess(target, false);
      return undefined;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
      if (attempt === 1 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  return last;
}

function stillOnError(target: SettingsTarget, restoreError: string, done: string | undefined, failure: unknown): SfError {
  const url = secretAccessSetupUrl(target.instanceUrl);
  const outcome = done !== undefined ? messages.getMessage('stillOn.workDone', [done]) : messages.getMessage('stillOn.workFailed', [failure instanceof Error ? failure.message : String(failure)]);
  const e = messages.createError('error.StillOn', [target.name, restoreError, outcome], [url, target.name]);
  e.setData({ secretAccessStillOn: true, org: target.name });
  return e;
}

/** The work's error, with a note that the setting is off again (an SfError keeps its name, code and data). */
function withNote(failure: unknown, org: string): unknown {
  const note = messages.getMessage('note.offAgain', [org]);
  if (failure instanceof SfError) {
    failure.actions = [...(failure.actions ?? []), note];
    return failure;
  }
  if (failure instanceof Error) {
    const actions = (failure as { actions?: unknown }).actions;
    (failure as { actions?: string[] }).actions = [...(Array.isArray(actions) ? (actions as string[]) : []), note];
  }
  return failure;
}

/** The signals that end a command, and the exit code each gives (128 + the signal's number). */
const SIGNALS: Readonly<Partial<Record<NodeJS.Signals, number>>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * While the setting is on, Ctrl-C, SIGTERM or SIGHUP turns it off before the process ends (130,
 * 143, 129): the `finally` of the work does not run when the process is interrupted. The other
 * listeners of those signals are set aside meanwhile (sf-plugins-core's throws an exit error at
 * once, which would end the process before the setting is off) and put back afterwards.
 */
function signalGuard(target: SettingsTarget, options: SecretAccessOptions): { release(): void } {
  let done = false;
  const saved = new Map<NodeJS.Signals, Array<(...args: unknown[]) => void>>();
  const handler = (signal: NodeJS.Signals): void => {
    if (done) return;
    done = true;
    options.onChange?.('turning-off');
    void turnOff(target, 0).then((error) => {
      const line =
        error === undefined
          ? messages.getMessage('signal.offAgain', [signal, target.name])
          : messages.getMessage('signal.stillOn', [signal, target.name, error, secretAccessSetupUrl(target.instanceUrl)]);
      process.stderr.write(`${line}\n`);
      process.exit(SIGNALS[signal] ?? 130);
    });
  };
  for (const signal of Object.keys(SIGNALS) as NodeJS.Signals[]) {
    saved.set(signal, process.listeners(signal) as Array<(...args: unknown[]) => void>);
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
  return {
    release: (): void => {
      done = true;
      for (const [signal, listeners] of saved) {
        process.off(signal, handler);
        for (const l of listeners) process.on(signal, l);
      }
    },
  };
}
