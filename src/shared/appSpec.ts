/**
 * The values of the app flags (./appFlags.ts) as the domain's EcaSpec, checked: every bad value
 * becomes a named SfError with actions; nothing is written before all of them pass. Shared by the
 * generate and create operations.
 */
import { readFile } from 'node:fs/promises';
import { Messages, SfError } from '@salesforce/core';
import type { IP_RELAXATION_VALUES, TemplateName } from '../domain/templates.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.app-flags');

export { messages as appSpecMessages };

export type AppFlagValues = {
  name: string;
  label?: string;
  'contact-email': string;
  'contact-phone'?: string;
  description?: string;
  'distribution-state': 'Local' | 'Packaged';
  template: TemplateName;
  scopes?: string[];
  'callback-url'?: string[];
  certificate?: string;
  'run-as'?: string;
  'permitted-users': 'admin-approved' | 'all-self-authorized';
  'permission-sets'?: string[];
  profiles?: string[];
  'refresh-token'?: string;
  'session-timeout'?: number;
  'ip-relaxation'?: (typeof IP_RELAXATION_VALUES)[number];
};

/** Parses "66.0"/"66" and checks it against what ECAs and the schema support. */
export async function checkApiVersion(input: string | undefined): Promise<number> {
  const schema = await import('../domain/schema/index.js');
  const version = input === undefined ? schema.WSDL_API_VERSION : schema.parseApiVersion(input);
  const min = schema.formatApiVersion(schema.MIN_ECA_API_VERSION);
  const max = schema.formatApiVersion(schema.LATEST_KNOWN_API_VERSION);
  if (version === undefined || version < schema.MIN_ECA_API_VERSION || version > schema.LATEST_KNOWN_API_VERSION) {
    throw messages.createError('error.InvalidApiVersion', [input ?? '', min, max], [min, max, schema.formatApiVersion(schema.WSDL_API_VERSION)]);
  }
  return version;
}

export type SpecResult = {
  spec: import('../domain/build.js').EcaSpec;
  warnings: string[];
  certificate?: import('../domain/certificate.js').CertificateInfo;
};

/**
 * Turns the flags into an EcaSpec. `certificatePem` lets a caller supply a certificate it made
 * (create --template jwt-ci without --certificate).
 */
export async function specFromFlags(
  flags: AppFlagValues,
  apiVersion: number,
  options: { certificatePem?: string; now?: Date } = {}
): Promise<SpecResult> {
  const [{ developerNameProblem, toDeveloperName }, scopes, templates, cert] = await Promise.all([
    import('../domain/validate.js'),
    import('../domain/scopes.js'),
    import('../domain/templates.js'),
    import('../domain/certificate.js'),
  ]);
  const now = options.now ?? new Date();
  const warnings: string[] = [];
  const template = templates.TEMPLATES[flags.template];

  const why = developerNameProblem(flags.name);
  if (why) throw messages.createError('error.InvalidName', [flags.name, why], [toDeveloperName(flags.name) || 'Acme_Integration']);

  const scopeList: string[] = [];
  for (const s of flags.scopes ?? []) {
    const canonical = scopes.canonicalEcaScope(s);
    if (!canonical) throw messages.createError('error.InvalidScope', [s], [scopes.ecaScopes().join(', ')]);
    if (!scopeList.includes(canonical)) scopeList.push(canonical);
  }

  let refreshToken;
  if (flags['refresh-token'] !== undefined) {
    const parsed = templates.parseRefreshTokenPolicy(flags['refresh-token']);
    if ('error' in parsed) throw messages.createError('error.InvalidRefreshToken', [parsed.error]);
    refreshToken = parsed;
  }

  if (flags['session-timeout'] !== undefined && flags['session-timeout'] < 1) {
    throw messages.createError('error.InvalidSessionTimeout', [String(flags['session-timeout'])]);
  }

  const callbacks = flags['callback-url'] ?? [];
  for (const url of callbacks) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw messages.createError('error.InvalidCallback', [url]);
    }
    if (parsed.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)) {
      warnings.push(messages.getMessage('warning.InsecureCallback', [url]));
    }
  }
  if (template.needsCallback && callbacks.length === 0) {
    throw messages.createError('error.MissingCallback', [flags.template]);
  }
  if (template.needsRunAs && !flags['run-as']) throw messages.createError('error.MissingRunAs', [flags.template]);

  let certificatePem = options.certificatePem;
  let certificate;
  if (flags.certificate) {
    let text: string;
    try {
      text = await readFile(flags.certificate, 'utf8');
    } catch (e) {
      throw messages.createError('error.CertificateUnreadable', [flags.certificate, e instanceof Error ? e.message : String(e)]);
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
      throw messages.createError('error.CertificateInvalid', [flags.certificate, 'no "-----BEGIN CERTIFICATE-----" block']);
    }
    try {
      certificate = cert.parseCertificate(text, now);
    } catch (e) {
      throw messages.createError('error.CertificateInvalid', [flags.certificate, e instanceof Error ? e.message : String(e)]);
    }
    if (certificate.daysLeft < 0) throw messages.createError('error.CertificateExpired', [flags.certificate, certificate.validTo]);
    if (certificate.daysLeft < 30) {
      warnings.push(messages.getMessage('warning.CertificateExpiresSoon', [flags.certificate, certificate.validTo, String(certificate.daysLeft)]));
    }
    certificatePem = cert.toPem(text);
  } else if (certificatePem) {
    certificate = cert.parseCertificate(certificatePem, now);
  }
  if (template.needsCertificate && !certificatePem) throw messages.createError('error.MissingCertificate');

  const adminApproved = flags['permitted-users'] === 'admin-approved';
  if (!adminApproved) warnings.push(messages.getMessage('warning.SelfAuthorized', [flags.name]));
  if (adminApproved && !flags.profiles?.length && !flags['permission-sets']?.length && !template.needsRunAs) {
    warnings.push(messages.getMessage('warning.NobodyPreAuthorized', [flags.name]));
  }

  return {
    spec: {
      name: flags.name,
      label: flags.label,
      contactEmail: flags['contact-email'],
      contactPhone: flags['contact-phone'],
      description: flags.description,
      distributionState: flags['distribution-state'],
      apiVersion,
      template: flags.template,
      scopes: scopeList.length ? scopeList : undefined,
      callbackUrls: callbacks,
      certificate: certificatePem,
      runAs: flags['run-as'],
      permittedUsers: flags['permitted-users'],
      permissionSets: flags['permission-sets'],
      profiles: flags.profiles,
      refreshToken,
      sessionTimeoutInMinutes: flags['session-timeout'],
      ipRelaxation: flags['ip-relaxation'],
    },
    warnings,
    certificate,
  };
}

/** Raises the domain's validation problems as one SfError naming every component and field. */
export function invalidAppError(apiVersion: string, problems: ReadonlyArray<{ message: string; fix: string }>): SfError {
  return messages.createError(
    'error.InvalidApp',
    [apiVersion, problems.map((p) => `- ${p.message}`).join('\n')],
    [problems.map((p) => `- ${p.fix}`).join('\n')]
  );
}
