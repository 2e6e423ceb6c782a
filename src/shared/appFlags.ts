/**
 * The flags that describe a new External Client App, shared by `eca generate` and `eca create`.
 * Their values become the domain's EcaSpec in ./appSpec.ts (the operations' side).
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { IP_RELAXATION_VALUES, TEMPLATE_NAMES } from '../domain/templates.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.app-flags');

export const appFlags = {
  name: Flags.string({
    char: 'n',
    summary: messages.getMessage('flags.name.summary'),
    description: messages.getMessage('flags.name.description'),
    required: true,
  }),
  label: Flags.string({ summary: messages.getMessage('flags.label.summary') }),
  'contact-email': Flags.string({ summary: messages.getMessage('flags.contact-email.summary'), required: true }),
  'contact-phone': Flags.string({ summary: messages.getMessage('flags.contact-phone.summary') }),
  description: Flags.string({ summary: messages.getMessage('flags.description.summary') }),
  'distribution-state': Flags.option({
    summary: messages.getMessage('flags.distribution-state.summary'),
    options: ['Local', 'Packaged'] as const,
    default: 'Local',
  })(),
  template: Flags.option({
    char: 't',
    summary: messages.getMessage('flags.template.summary'),
    description: messages.getMessage('flags.template.description'),
    options: TEMPLATE_NAMES,
    required: true,
  })(),
  scopes: Flags.string({ summary: messages.getMessage('flags.scopes.summary'), delimiter: ',', multiple: true }),
  'callback-url': Flags.string({ summary: messages.getMessage('flags.callback-url.summary'), multiple: true }),
  certificate: Flags.file({ summary: messages.getMessage('flags.certificate.summary') }),
  'run-as': Flags.string({ summary: messages.getMessage('flags.run-as.summary') }),
  'permitted-users': Flags.option({
    summary: messages.getMessage('flags.permitted-users.summary'),
    options: ['admin-approved', 'all-self-authorized'] as const,
    default: 'admin-approved',
  })(),
  'permission-sets': Flags.string({ summary: messages.getMessage('flags.permission-sets.summary'), delimiter: ',', multiple: true }),
  profiles: Flags.string({ summary: messages.getMessage('flags.profiles.summary'), delimiter: ',', multiple: true }),
  'refresh-token': Flags.string({ summary: messages.getMessage('flags.refresh-token.summary') }),
  'session-timeout': Flags.integer({ summary: messages.getMessage('flags.session-timeout.summary') }),
  'ip-relaxation': Flags.option({
    summary: messages.getMessage('flags.ip-relaxation.summary'),
    options: IP_RELAXATION_VALUES,
  })(),
};

export { messages as appFlagMessages };
