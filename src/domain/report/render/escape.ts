/**
 * HTML built with a tagged template that escapes every interpolated value unless it is already
 * markup (Markup, made by html`` itself or by trusted()). App names, labels, descriptions and
 * finding messages come from client orgs: nothing from the data reaches the page unescaped.
 */

export class Markup {
  public constructor(public readonly value: string) {}
  public toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup this module's callers produced themselves (SVG from the chart library, checked; the page's own CSS and script). */
export function trusted(value: string): Markup {
  return new Markup(value);
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Markup) return v.value;
  if (Array.isArray(v)) return (v as readonly Value[]).map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Markup(out);
}

/** Joins markup fragments. */
export function join(parts: readonly Markup[], separator = ''): Markup {
  return new Markup(parts.map((p) => p.value).join(separator));
}
