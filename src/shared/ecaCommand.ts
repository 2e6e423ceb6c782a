/**
 * The base of every `sf eca` command: its ERROR CODES help section and its exit status come from
 * one table (./exitCodes.ts), and every error it ends with is given the code that table documents
 * (./errorMapping.ts, loaded only when an error happens). A command names its row and, for org
 * errors, which flag names its org; it does nothing else about errors.
 *
 * Kept light: it is loaded with every command's help.
 */
import { Messages, type Org } from '@salesforce/core';
import { SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { type CommandId, EXIT_CODES, FAILURE_CODES } from './exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const exitMessages = Messages.loadMessages('plugin-eca', 'exitCodes');

/** The help's ERROR CODES section of a command, from the table. */
export function errorCodesHelp(command: CommandId): ReturnType<typeof toHelpSection> {
  const rows = Object.entries(EXIT_CODES[command]).map(([name, code]) => [`${name} (${code})`, exitMessages.getMessage(exitMessages.messages.has(`${command}.${name}`) ? `${command}.${name}` : `deploy.${name}`)]);
  return toHelpSection('ERROR CODES', Object.fromEntries(rows) as Record<string, string>);
}

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

  public async catch(error: Error & { exitCode?: number }): Promise<never> {
    const { documentedError } = await import('./errorMapping.js');
    const statics = this.constructor as typeof EcaCommand;
    return super.catch(documentedError(error, FAILURE_CODES[statics.exitCodeTable], this.typedOrgName()));
  }
}
