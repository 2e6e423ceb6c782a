/**
 * `--mask-users`: user names become "j***@a***~3f2a" everywhere in the report (fields, finding
 * messages, suggested commands). Salesforce usernames are e-mail shaped, so every e-mail-shaped
 * string is masked, plus the known usernames the caller passes. The short hash keeps two users
 * apart and stays the same from one report to the next, so a baseline still matches.
 */

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** FNV-1a, 32 bits: a stable short tag, not a secret. */
function tag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 4);
}

export function maskUser(name: string): string {
  const lower = name.toLowerCase();
  const at = lower.indexOf('@');
  const local = at < 0 ? lower : lower.slice(0, at);
  const domain = at < 0 ? '' : lower.slice(at + 1);
  return `${local.slice(0, 1)}***${domain ? `@${domain.slice(0, 1)}***` : ''}~${tag(lower)}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Masks user names in one text. */
export function maskText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const k of [...known].filter((n) => n.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(escapeRegExp(k), 'gi'), (m) => maskUser(m));
  }
  return out.replace(EMAIL, (m) => (m.includes('***') ? m : maskUser(m)));
}

/** The same for every string in a JSON-like value. */
export function maskDeep<T>(value: T, known: readonly string[] = []): T {
  if (typeof value === 'string') return maskText(value, known) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v, known)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskDeep(v, known)])) as T;
  }
  return value;
}
