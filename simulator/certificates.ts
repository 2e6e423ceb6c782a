/** Certificates as an app stores them: PEM, or the bare base64 DER that retrieved files hold. */

/** A PEM certificate from either form, for verifying signatures with its public key. */
export function certificatePem(value: string): string {
  const t = value.trim();
  if (t.includes('-----BEGIN')) return t;
  const body = t.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}
