/**
 * Commands the report suggests are copied into a terminal; app and user names come from client
 * orgs, so every argument is quoted for a POSIX shell unless it is plainly safe.
 */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "sf eca convert --target-org acme --name A --name B" */
export function command(parts: ReadonlyArray<string | readonly [flag: string, value: string]>): string {
  return parts.map((p) => (typeof p === 'string' ? p : `${p[0]} ${shellQuote(p[1])}`)).join(' ');
}
