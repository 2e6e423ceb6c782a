/**
 * The report's charts, drawn as SVG by Apache ECharts' server-side renderer (`ssr: true`,
 * `renderToSVGString()`): no DOM, no canvas, no network, static SVG that prints. ECharts escapes
 * the text it draws; every SVG is still checked for script, event handlers, foreign objects and
 * external references before it goes into the page (checkSvg).
 *
 * The library is loaded on first use from its single-file ESM build, which loads in about a
 * tenth of the time of its many-module build.
 */
import type { EChartsOption } from 'echarts';
import type { ReportData, OrgReportOk, WillBreakEntry } from '../model.js';

export type ChartId = 'findings-by-severity' | 'readiness-funnel' | 'will-break-usage';

export type Chart = {
  readonly id: ChartId;
  readonly title: string;
  /** the SVG markup; empty when there is nothing to draw */
  readonly svg: string;
  /** the numbers drawn, as rows, for the table that goes with the chart */
  readonly table: { readonly columns: readonly string[]; readonly rows: ReadonlyArray<ReadonlyArray<string | number>> };
  /** why there is no chart */
  readonly empty?: string;
};

export const SEVERITY_COLORS = { critical: '#7a1f3d', high: '#c8453b', medium: '#e29a2d', low: '#5b8f6b' } as const;
const DEADLINE_COLORS = ['#3b5b92', '#8f5bb0', '#2f8f8f', '#b07a3b'];
/** Legend names: short enough to fit beside each other. */
const DEADLINE_SHORT: Readonly<Record<string, string>> = {
  'soap-login-retired': 'SOAP login()',
  'oauth-username-password-deprecated': 'Username-password flow',
  'isv-oauth-requirements': 'Partner OAuth rules',
  'connected-app-creation-blocked': 'Connected App creation',
};
// no quotes: ECharts writes the family into a double-quoted style attribute without escaping it
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

type EChartsModule = typeof import('echarts');

// the single-file build the package exports as "echarts/dist/echarts.esm.min"
const ECHARTS_BUNDLE: string = 'echarts/dist/echarts.esm.min';
let loaded: Promise<EChartsModule> | undefined;

function echarts(): Promise<EChartsModule> {
  loaded ??= import(ECHARTS_BUNDLE) as Promise<EChartsModule>;
  return loaded;
}

/** Throws when an SVG holds anything that could run or fetch. */
export function checkSvg(svg: string): string {
  const bad = [/<script/i, /<foreignObject/i, /\son[a-z]+\s*=/i, /(?:xlink:)?href\s*=\s*["'](?!#)/i, /url\(\s*["']?(?!#)/i, /<!ENTITY/i];
  const hit = bad.find((re) => re.test(svg));
  if (hit) throw new Error(`chart SVG rejected: it matches ${hit}`);
  return svg;
}

/**
 * Draws one chart. ECharts names the CSS classes of an SVG after counters that run for the whole process
 * ("zr3-cls-15"); they are renamed after the chart and numbered from 0, so the page is the same for the same data and
 * two charts' classes never meet in one document.
 */
async function draw(id: ChartId, option: EChartsOption, width: number, height: number): Promise<string> {
  const e = await echarts();
  const chart = e.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    const seen = new Map<string, number>();
    const svg = chart.renderToSVGString().replace(/\bzr\d+-cls-(\d+)/g, (_m, n: string) => {
      if (!seen.has(n)) seen.set(n, seen.size);
      return `${id}-${seen.get(n)}`;
    });
    return checkSvg(svg);
  } finally {
    chart.dispose();
  }
}

/** "A very long app name…" */
export function shorten(text: string, max = 32): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function readOrgs(data: ReportData): OrgReportOk[] {
  return data.orgs.filter((o): o is OrgReportOk => o.status === 'ok');
}

export async function findingsBySeverity(data: ReportData): Promise<Chart> {
  const orgs = readOrgs(data);
  const severities = ['critical', 'high', 'medium', 'low'] as const;
  const rows = orgs.map((o) => [o.org.alias, ...severities.map((s) => o.findings.summary[s])]);
  const table = { columns: ['Org', 'Critical', 'High', 'Medium', 'Low'], rows };
  const title = 'Findings by severity per org';
  if (orgs.length === 0) return { id: 'findings-by-severity', title, svg: '', table, empty: 'No org could be read.' };
  const svg = await draw(
    'findings-by-severity',
    {
      legend: { top: 0, data: severities.map((s) => s[0].toUpperCase() + s.slice(1)) },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: orgs.map((o) => shorten(o.org.alias, 24)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: severities.map((s) => ({
        name: s[0].toUpperCase() + s.slice(1),
        type: 'bar',
        stack: 'findings',
        itemStyle: { color: SEVERITY_COLORS[s] },
        label: { show: true, formatter: (p: { value: unknown }) => (Number(p.value) > 0 ? String(p.value) : '') },
        data: orgs.map((o) => o.findings.summary[s]),
      })),
    },
    440,
    300
  );
  return { id: 'findings-by-severity', title, svg, table };
}

export async function readinessFunnel(data: ReportData): Promise<Chart> {
  const r = data.totals.readiness;
  const toMove = r.total - r.converted;
  const stages: Array<[string, number]> = [
    ['Connected Apps to move', toMove],
    ['Convertible (some need a look)', r.eligible + r.attention],
    ['Convertible now', r.eligible],
  ];
  const table = { columns: ['Stage', 'Connected Apps'], rows: [...stages, ['Already converted', r.converted] as [string, number], ['Not convertible', r.notConvertible] as [string, number]] };
  const title = 'Conversion readiness';
  if (r.total === 0) return { id: 'readiness-funnel', title, svg: '', table, empty: 'No Connected Apps.' };
  const svg = await draw(
    'readiness-funnel',
    {
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: 16,
          right: 16,
          top: 12,
          bottom: 12,
          minSize: '12%',
          gap: 3,
          label: { show: true, position: 'inside', color: '#fff', formatter: '{b}: {c}' },
          itemStyle: { borderWidth: 0 },
          color: ['#51607a', '#3b7d9c', '#2e9e6e'],
          data: stages.map(([name, value]) => ({ name, value })),
        },
      ],
    },
    440,
    300
  );
  return { id: 'readiness-funnel', title, svg, table };
}

function subjectName(e: WillBreakEntry): string {
  const s = e.subject;
  return s.type === 'app' ? s.label ?? s.name : `${s.application} · ${s.user}`;
}

export async function willBreakUsage(data: ReportData, top = 12): Promise<Chart> {
  const entries = readOrgs(data)
    .flatMap((o) => o.willBreak.map((e) => ({ org: o.org.alias, e })))
    .sort((a, b) => b.e.usage.logins - a.e.usage.logins || b.e.usage.tokens - a.e.usage.tokens)
    .slice(0, top);
  const table = {
    columns: ['App or integration', 'Org', 'Deadline', 'Logins', 'OAuth tokens'],
    rows: entries.map(({ org, e }) => [subjectName(e), org, `${e.deadlineTitle} (${e.when})`, e.usage.logins, e.usage.tokens]),
  };
  const title = `Usage of the apps that will break (top ${top}, last ${data.options.windowDays} days)`;
  if (entries.length === 0) return { id: 'will-break-usage', title, svg: '', table, empty: 'Nothing will break.' };
  const deadlines = [...new Set(entries.map(({ e }) => e.deadline))];
  const labels = entries.map(({ org, e }) => shorten(`${subjectName(e)} (${org})`, 24)).reverse();
  const svg = await draw(
    'will-break-usage',
    {
      legend: { bottom: 0, itemGap: 6, itemWidth: 14, textStyle: { fontSize: 10 }, data: deadlines.map((d) => DEADLINE_SHORT[d] ?? d) },
      grid: { left: 176, right: 44, top: 8, bottom: 44 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: labels, axisLabel: { interval: 0, fontSize: 11 } },
      series: deadlines.map((d, i) => ({
        name: DEADLINE_SHORT[d] ?? d,
        type: 'bar',
        stack: 'usage',
        itemStyle: { color: DEADLINE_COLORS[i % DEADLINE_COLORS.length] },
        label: { show: true, position: 'right', formatter: (p: { value: unknown }) => (Number(p.value) > 0 ? String(p.value) : '') },
        data: [...entries].reverse().map(({ e }) => (e.deadline === d ? Math.max(e.usage.logins, e.usage.tokens) : 0)),
      })),
    },
    440,
    Math.max(220, 70 + entries.length * 22)
  );
  return { id: 'will-break-usage', title, svg, table };
}

export async function renderCharts(data: ReportData): Promise<Chart[]> {
  return [await findingsBySeverity(data), await readinessFunnel(data), await willBreakUsage(data)];
}
