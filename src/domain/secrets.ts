/**
 * Fields that hold secrets. They are never printed, logged or written by this plugin; a command
 * that shows settings redacts them unless SF_TEMP_SHOW_SECRETS=true (the sf CLI convention).
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['consumerSecret', 'password', 'signingKey']);

export const REDACTED = '[REDACTED]';

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name);
}
