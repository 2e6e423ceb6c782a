/**
 * The base of every `sf eca` command: its ERROR CODES help section and its exit status come from
 * one table (./exitCodes.ts), and every error it ends with is given the code that table documents
 * (./errorMapping.ts, loaded only when an error happens). A command names its row and, for org
 * errors, which flag names its org; it does nothing else about errors.
 *
 * Kept light: it is loaded with every command's help.
 */
import { writeSync } from 'node:fs';
import { Messages, type Org } from '@salesforce/core';
import { SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { type CommandId, EXIT_CODES, FAILURE_CODES } from './exitCodes.js';
import { plainJson } from './plainJson.js';
import { stopWhenSafe } from './stopWhenSafe.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const exitMessages = Messages.loadMessages('plugin-eca', 'exitCodes');

/** The help's ERROR CODES section of a command, from the table. */
export function errorCodesHelp(command: CommandId): ReturnType<typeof toHelpSection> {
  const rows = Object.entries(EXIT_CODES[command]).map(([name, code]) => [`${name} (${code})`, exitMessages.getMessage(exitMessages.messages.has(`${command}.${name}`) ? `${command}.${name}` : `deploy.${name}`)]);
  return toHelpSection('ERROR CODES', Object.fromEntries(rows) as Record<string, string>);
}

/** The signals that stop a command, and the exit code each gives (128 + its number, as shells report it). */
const STOP_SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
type Listener = (...args: unknown[]) => void;

export abstract class EcaCommand<T> extends SfCommand<T> {
  /** the command's row in the exit-code table */
  public static readonly exitCodeTable: CommandId;
  /** the flags (long name, short char) that name the org an error is about, first match wins */
  protected static readonly orgFlags: ReadonlyArray<readonly [string, string?]> = [['target-org', 'o']];

  /**
   * The org as the user typed it: the value of the first org flag on the command line, else the
   * default org's alias or username from the CLI's config.
   */
  protected typedOrgName(): string | undefined {
    const statics = this.constructor as typeof EcaCommand;
    for (const [long, short] of statics.orgFlags) {
      for (let i = 0; i < this.argv.length; i++) {
        const a = this.argv[i];
        if (a === `--${long}` || (short && a === `-${short}`)) return this.argv[i + 1];
        if (a.startsWith(`--${long}=`)) return a.slice(long.length + 3);
        if (short && a.startsWith(`-${short}`) && a.length > 2 && !a.startsWith('--')) return a.slice(2).replace(/^=/, '');
      }
    }
    try {
      const configured = this.configAggregator?.getPropertyValue('target-org');
      return typeof configured === 'string' ? configured : undefined;
    } catch {
      return undefined;
    }
  }

  /** The org a `Flags.requiredOrg()` flag opened, with the name the user typed (for messages and actions). */
  protected orgRef(org: Org): { name: string; org: Org } {
    return { name: this.typedOrgName() ?? org.getUsername() ?? org.getOrgId(), org };
  }

  /** The --json answer, the same text as sf-plugins-core's, written without colorizing it when there is no colour (./plainJson.ts). */
  public logJson(json: unknown): void {
    const text = plainJson(json);
    if (text === undefined) super.logJson(json);
    // what oclif's ux.stdout does with it: console.log
    else console.log(text);
  }

  /**
   * sf-plugins-core answers Ctrl-C, SIGTERM and SIGHUP by calling this.exit(130) from a listener:
   * oclif's ExitError is thrown outside any command code, and the process ends with exit 1, an
   * "ExitError: EEXIT: 130" stack trace and nothing said (measured with sf 2.150.6). Its listeners
   * (added synchronously at the start of its _run) are replaced for the command's run by one that
   * says what happened in one line (an error object with --json) and exits with the signal's code.
   * A deploy in flight and the secret-access setting set these aside for their own while they run
   * (src/org/interrupts.ts, src/org/orgSettings.ts); temporary folders go with the process's exit.
   */
  public async _run<R>(): Promise<R> {
    const signals = Object.keys(STOP_SIGNALS) as Array<keyof typeof STOP_SIGNALS>;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    const running = super._run<R>();
    const ours = new Map<NodeJS.Signals, Listener>();
    for (const signal of signals) {
      for (const l of process.listeners(signal)) if (!before.get(signal)?.has(l)) process.removeListener(signal, l as Listener);
      // files being written are finished or rolled back first (./stopWhenSafe.ts)
      const listener = (): void => stopWhenSafe(() => this.stoppedBy(signal, STOP_SIGNALS[signal]));
      ours.set(signal, listener);
      process.on(signal, listener);
    }
    try {
      return await running;
    } finally {
      for (const [signal, l] of ours) process.removeListener(signal, l);
    }
  }

  private stoppedBy(signal: NodeJS.Signals, exitCode: number): void {
    const stopped = Messages.loadMessages('plugin-eca', 'eca.stopped');
    const message = stopped.getMessage('stopped', [stopped.getMessage(`signal.${signal}`)]);
    const actions = stopped.getMessages('stopped.actions');
    try {
      if (this.jsonEnabled()) {
        const name = 'StoppedError';
        writeSync(1, `${JSON.stringify({ name, message, exitCode, status: exitCode, actions, commandName: this.constructor.name, context: this.constructor.name, warnings: [] }, null, 2)}\n`);
      } else writeSync(2, `\n${message}\n`);
    } catch {
      // the terminal is gone: exit all the same
    }
    process.exit(exitCode);
  }

  public async catch(error: Error & { exitCode?: number }): Promise<never> {
    const { documentedError } = await import('./errorMapping.js');
    const statics = this.constructor as typeof EcaCommand;
    return super.catch(documentedError(error, FAILURE_CODES[statics.exitCodeTable], this.typedOrgName()));
  }
}
