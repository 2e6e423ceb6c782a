import { generate } from 'selfsigned';

export type TestCert = { cert: string; key: string };

const DAY = 86_400_000;

/** A self-signed RSA certificate valid from `fromDays` to `toDays` relative to now. */
export async function makeCert(toDays = 365, fromDays = -1, cn = 'plugin-eca test'): Promise<TestCert> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now + fromDays * DAY),
    notAfterDate: new Date(now + toDays * DAY),
  });
  return { cert: pems.cert, key: pems.private };
}
