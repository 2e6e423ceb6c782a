/**
 * A key pair and self-signed X.509 certificate for a JWT bearer app, made with the maintained
 * `selfsigned` library. The private key stays in memory until the caller writes it (mode 0600).
 */
export type KeyAndCertificate = { privateKeyPem: string; certificatePem: string };

export async function generateKeyAndCertificate(commonName: string, validityDays: number, now: Date = new Date()): Promise<KeyAndCertificate> {
  const { generate } = await import('selfsigned');
  const notAfter = new Date(now.getTime() + validityDays * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: notAfter,
  });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}
