/**
 * The flags the credentials commands share (the app, its consumer, temporary REST access to
 * secrets) and the secret sinks (exactly one per run, checked by the parser).
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials');

export const appCredentialsFlags = {
  name: Flags.string({ char: 'n', summary: messages.getMessage('flags.name.summary'), required: true }),
  'consumer-key': Flags.string({ summary: messages.getMessage('flags.consumer-key.summary') }),
  'allow-secret-access': Flags.boolean({ summary: messages.getMessage('flags.allow-secret-access.summary'), default: false }),
};

/** What the stages of stage, rotate and revoke show under them. */
export const credentialsStageFields = [
  { label: 'Secret access', key: 'secretAccess' },
  { label: 'Staged ID', key: 'stagedId' },
];

const SINKS = ['secret-file', 'to-env-file', 'to-command'];

export const secretSinkFlags = {
  'secret-file': Flags.string({ summary: messages.getMessage('flags.secret-file.summary'), exactlyOne: SINKS }),
  'to-env-file': Flags.string({ summary: messages.getMessage('flags.to-env-file.summary'), exactlyOne: SINKS }),
  'to-command': Flags.string({ summary: messages.getMessage('flags.to-command.summary'), exactlyOne: SINKS }),
};
