/**
 * Converts a Connected App into an External Client App, following the table in ./mapping.ts.
 * Pure: no file, network or org access; what only an org knows (permission set API names, whether
 * clients use the username-password flow) comes in through the options.
 *
 * Every field the Connected App holds gets one report entry: carried (mapped, renamed,
 * translated), deliberately dropped, or needing attention. Nothing is dropped silently.
 */
import { isPlaceholder } from '../certificate.js';
import { SATELLITE_NAMES } from '../build.js';
import { componentByPart } from '../components.js';
import type { Component, Eca, EcaPartValues } from '../model.js';
import { formatApiVersion, LATEST_KNOWN_API_VERSION, typeSpec } from '../schema/index.js';
import { isSecretField, REDACTED } from '../secrets.js';
import { type Problem, validateEca } from '../validate.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import {
  type ConvertedPart,
  type DefaultContext,
  MAPPING,
  type MappingRow,
  NOT_CARRIED,
  type NoticeCode,
  PART_SOURCE,
  type PartsPresent,
  PLATFORM_DEFAULTS,
  type Rule,
  type SatellitePart,
  type Target,
  type TranslateContext,
  type Translation,
} from './mapping.js';
import { getPath, isRecord, resolveField, setPath } from './paths.js';

export type Outcome = 'mapped' | 'renamed' | 'translated' | 'dropped' | 'attention';

/** What became of one field of the Connected App. */
export type ReportEntry = {
  /** the Connected App field, dotted: "oauthConfig.scopes" */
  readonly source: string;
  readonly outcome: Outcome;
  /** "ExtlClntAppOauthSettings.commaSeparatedOauthScopes"; several targets are joined with ", " */
  readonly target?: string;
  /** the Connected App value (secrets redacted) */
  readonly from?: MetadataValue;
  /** the value written; with several targets, one value per target in `target` order */
  readonly to?: MetadataValue;
  readonly reason?: string;
};

/** A value the Connected App does not hold, written as Salesforce's own migration writes it. */
export type FilledValue = {
  readonly target: string;
  readonly value: MetadataValue;
  readonly reason: string;
};

/** Something a Connected App can do that the ECA cannot, and that no field shows. */
export type Notice = {
  readonly code: NoticeCode;
  /** attention: likely affects this app; info: check whether it does */
  readonly severity: 'attention' | 'info';
  readonly message: string;
};

export type ConversionStatus = 'clean' | 'attention' | 'failed';

export type ConversionResult = {
  readonly eca: Eca;
  readonly apiVersion: number;
  /** failed: the ECA does not validate (see problems); attention: a person must act (report, notices); clean otherwise */
  readonly status: ConversionStatus;
  readonly report: readonly ReportEntry[];
  readonly filled: readonly FilledValue[];
  readonly notices: readonly Notice[];
  /** validation of the resulting ECA at apiVersion */
  readonly problems: readonly Problem[];
};

/** The Connected App to convert: its full name and its values as read from its file or the org. */
export type ConnectedAppSource = {
  readonly fullName: string;
  readonly values: MetadataValues;
};

/**
 * Satellite full names: "generated" <App>_defOauthSet, ... (what Salesforce names them);
 * "short" <App>_oauth, ... (what people write in source); or a suffix per part, the rest generated.
 */
export type SatelliteNaming = 'generated' | 'short' | Readonly<Partial<Record<SatellitePart, string>>>;

export type ConversionOptions = {
  /** the target API version; default the latest this plugin knows. Newer fields are not written, and reported. */
  readonly apiVersion?: number;
  /** the ECA developer name; default the Connected App's full name */
  readonly name?: string;
  readonly naming?: SatelliteNaming;
  /** carry the consumer key (the consumer secret is never written) */
  readonly keepConsumerKey?: boolean;
  /** permission set label -> API name, from the org; without it permission sets need attention */
  readonly permissionSetNames?: ReadonlyMap<string, string>;
  /** from the org's login history when known: do clients log in with the username-password flow? */
  readonly usernamePasswordFlowUsed?: boolean;
  /** from the org when known: does the Connected App provision users? */
  readonly userProvisioningEnabled?: boolean;
  /**
   * The API version the Connected App was read at (the retrieve's, or the project's sourceApiVersion).
   * From 67 on its metadata can say whether the device flow is on; unknown counts as older.
   */
  readonly sourceApiVersion?: number;
};

/** ConnectedAppOauthConfig.isDeviceFlowEnabled appeared in API 67.0 (@salesforce/types 1.9.0). */
const CONNECTED_APP_DEVICE_FLOW_SINCE = 67;

const SATELLITES: readonly SatellitePart[] = ['oauthSettings', 'globalOauthSettings', 'oauthPolicies', 'policies', 'samlPolicies', 'canvasSettings'];
const OUTCOME: Readonly<Record<Rule, Outcome>> = {
  same: 'mapped',
  renamed: 'renamed',
  translated: 'translated',
  dropped: 'dropped',
  attention: 'attention',
};
const ROWS = new Map<string, MappingRow>(MAPPING.map((r) => [r.from, r]));

export function convertConnectedApp(ca: ConnectedAppSource, options: ConversionOptions = {}): ConversionResult {
  const apiVersion = options.apiVersion ?? LATEST_KNOWN_API_VERSION;
  const app = options.name ?? ca.fullName;
  const draft = new Draft(ca.values, apiVersion);
  const ctx: TranslateContext = {
    apiVersion,
    keepConsumerKey: options.keepConsumerKey === true,
    ...(options.permissionSetNames ? { permissionSetNames: options.permissionSetNames } : {}),
  };
  const report: ReportEntry[] = [];
  convertFields(ca.values, '', draft, ctx, report);
  const sourceKnowsDeviceFlow = (options.sourceApiVersion ?? 0) >= CONNECTED_APP_DEVICE_FLOW_SINCE;
  const filled = fillDefaults(draft, { ...draft.present, sourceKnowsDeviceFlow });
  const notices = noticesFor(ca.values, options, draft, sourceKnowsDeviceFlow);
  const eca = assemble(app, options.naming ?? 'generated', draft);
  const problems = validateEca(eca, apiVersion);
  return { eca, apiVersion, status: statusOf(problems, report, notices), report, filled, notices, problems };
}

// ---------------------------------------------------------------------------------------------
// the parts under construction

/**
 * Why a target is not written: its part is not built for this app (absent), the part is newer
 * than the API version (part-api: reported once, on the element that feeds the part), or the
 * field is (field-api).
 */
type Gate = { readonly kind: 'absent' | 'part-api' | 'field-api'; readonly reason: string };

function partGate(part: ConvertedPart, source: MetadataValues, apiVersion: number): Gate | undefined {
  const kind = componentByPart(part);
  const from = part === 'header' ? undefined : PART_SOURCE[part];
  if (from !== undefined && getPath(source, from) === undefined) {
    return { kind: 'absent', reason: `the Connected App has no ${from}, so the ECA has no ${kind.title}` };
  }
  const since = typeSpec(kind.type)?.since ?? 0;
  if (since > apiVersion) {
    return { kind: 'part-api', reason: `${kind.type} exists from API ${formatApiVersion(since)} on; converting for API ${formatApiVersion(apiVersion)}` };
  }
  return undefined;
}

export function targetName(target: Target): string {
  return `${componentByPart(target.part).type}.${target.field}`;
}

class Draft {
  private readonly parts = new Map<ConvertedPart, MetadataValues>();
  private readonly partGates = new Map<ConvertedPart, Gate>();

  public constructor(source: MetadataValues, private readonly apiVersion: number) {
    for (const part of ['header', ...SATELLITES] as const) {
      const gate = partGate(part, source, apiVersion);
      if (gate) this.partGates.set(part, gate);
      else this.parts.set(part, {});
    }
  }

  public get present(): PartsPresent {
    return { oauth: this.parts.has('oauthSettings'), saml: this.parts.has('samlPolicies'), canvas: this.parts.has('canvasSettings') };
  }

  /** Why the target cannot be written, or undefined when it can. */
  public gate(target: Target): Gate | undefined {
    const partGate = this.partGates.get(target.part);
    if (partGate) return partGate;
    const type = componentByPart(target.part).type;
    const resolved = resolveField(type, target.field);
    if (!resolved) throw new Error(`mapping names ${type}.${target.field}, which the schema does not have`);
    if (resolved.since > this.apiVersion) {
      return { kind: 'field-api', reason: `${targetName(target)} exists from API ${formatApiVersion(resolved.since)} on; converting for API ${formatApiVersion(this.apiVersion)}` };
    }
    return undefined;
  }

  public has(target: Target): boolean {
    const values = this.parts.get(target.part);
    return values !== undefined && getPath(values, target.field) !== undefined;
  }

  public set(target: Target, value: MetadataValue): void {
    const values = this.parts.get(target.part);
    if (values) setPath(values, target.field, value);
  }

  public values(part: ConvertedPart): MetadataValues | undefined {
    return this.parts.get(part);
  }

  /** The part a Connected App element feeds, when the API version rules it out (samlConfig before 63). */
  public containerGate(path: string): Gate | undefined {
    const parts = SATELLITES.filter((p) => PART_SOURCE[p] === path);
    return parts.map((p) => this.partGates.get(p)).find((g) => g?.kind === 'part-api');
  }
}

// ---------------------------------------------------------------------------------------------
// fields

function convertFields(values: MetadataValues, prefix: string, draft: Draft, ctx: TranslateContext, report: ReportEntry[]): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const row = ROWS.get(path);
    if (row) {
      report.push(applyRow(row, value, draft, ctx));
    } else if (isContainer(path, value)) {
      const gate = draft.containerGate(path);
      if (gate) report.push({ source: path, outcome: 'attention', from: value, reason: `Not converted: ${gate.reason}.` });
      else convertFields(value, path, draft, ctx, report);
    } else {
      report.push({
        source: path,
        outcome: 'attention',
        from: value,
        reason: `ConnectedApp has no field ${path} in the Metadata API this plugin knows (up to API ${formatApiVersion(LATEST_KNOWN_API_VERSION)}); not carried.`,
      });
    }
  }
}

/** A nested ConnectedApp type whose fields have rows of their own (oauthConfig, samlConfig, ...). */
function isContainer(path: string, value: MetadataValue): value is MetadataValues {
  const resolved = resolveField('ConnectedApp', path);
  return isRecord(value) && resolved !== undefined && !resolved.field.list && typeSpec(resolved.field.type) !== undefined;
}

/** A value whose loss changes nothing: false, nothing, an empty list. */
function isHarmless(value: MetadataValue): boolean {
  return value === false || value === '' || (Array.isArray(value) && value.length === 0);
}

function shown(path: string, value: MetadataValue): MetadataValue {
  return isSecretField(path.split('.').pop() ?? path) ? REDACTED : value;
}

function joinReasons(...reasons: ReadonlyArray<string | undefined>): string | undefined {
  const text = reasons.filter((r): r is string => r !== undefined && r.length > 0).join(' ');
  return text.length ? text : undefined;
}

function translate(row: MappingRow, value: MetadataValue, ctx: TranslateContext): Translation {
  const translation = row.translate ? row.translate(value, ctx) : { write: row.to.map(() => value) };
  if ('write' in translation && translation.write.length > row.to.length) {
    throw new Error(`mapping row ${row.from}: ${translation.write.length} values for ${row.to.length} targets`);
  }
  return translation;
}

function applyRow(row: MappingRow, value: MetadataValue, draft: Draft, ctx: TranslateContext): ReportEntry {
  const base = { source: row.from, from: shown(row.from, value) };
  if (row.rule === 'dropped' || row.rule === 'attention') {
    const see = row.see ? ` (ECA: ${targetName(row.see)})` : '';
    return { ...base, outcome: row.rule, reason: `${row.reason ?? ''}${see}` };
  }
  const translation = translate(row, value, ctx);
  if ('skip' in translation) return { ...base, outcome: translation.skip, reason: translation.reason };

  const written: Array<{ target: Target; value: MetadataValue }> = [];
  const blocked: Gate[] = [];
  row.to.forEach((target, i) => {
    const v = translation.write[i];
    if (v === undefined) return;
    const gate = draft.gate(target);
    if (gate) blocked.push(gate);
    else written.push({ target, value: v });
  });
  for (const w of written) draft.set(w.target, w.value);

  // once another target carries the value, a part this app does not get is no loss, and a part
  // too new for the API version is reported on its own element (samlConfig, canvasConfig)
  const lost = written.length ? blocked.filter((g) => g.kind === 'field-api') : blocked;
  const lostReason = lost.length ? `Not written: ${lost.map((g) => g.reason).join('; ')}.` : undefined;
  if (written.length === 0) {
    return { ...base, outcome: isHarmless(value) ? 'dropped' : 'attention', reason: lostReason ?? 'Not written.' };
  }
  const attention = translation.attention !== undefined || (lost.length > 0 && !isHarmless(value));
  const placeholder = typeof value === 'string' && isPlaceholder(value) && translation.attention === undefined ? 'Placeholder kept verbatim.' : undefined;
  const reason = joinReasons(translation.attention, translation.note, placeholder, lostReason);
  return {
    ...base,
    outcome: attention ? 'attention' : OUTCOME[row.rule],
    target: written.map((w) => targetName(w.target)).join(', '),
    to: written.length === 1 ? written[0].value : written.map((w) => w.value),
    ...(reason ? { reason } : {}),
  };
}

function fillDefaults(draft: Draft, context: DefaultContext): FilledValue[] {
  const filled: FilledValue[] = [];
  for (const d of PLATFORM_DEFAULTS) {
    const value = typeof d.value === 'function' ? d.value(context) : d.value;
    if (value === undefined || draft.gate(d.to) || draft.has(d.to)) continue;
    draft.set(d.to, value);
    filled.push({ target: targetName(d.to), value, reason: d.reason });
  }
  return filled;
}

// ---------------------------------------------------------------------------------------------
// what no field shows

/** Callback URLs no browser flow returns to: a sign that clients log in some other way. */
const NON_INTERACTIVE_CALLBACKS: readonly RegExp[] = [/\/services\/oauth2\/token\/?$/i, /^https?:\/\/callback\/?$/i, /^https:\/\/(login|test)\.salesforce\.com\/?$/i];

/**
 * Why an app probably serves the username-password flow, or undefined: it has neither a
 * certificate (JWT bearer) nor client credentials, and its callback URLs lead nowhere a browser
 * flow would return to. A heuristic: the org's login history is the proof.
 */
function usernamePasswordHint(oauthConfig: MetadataValues): string | undefined {
  const callbacks = String(oauthConfig.callbackUrl ?? '')
    .split(/\r?\n/)
    .map((u) => u.trim())
    .filter(Boolean);
  const headless = callbacks.length > 0 && callbacks.every((u) => NON_INTERACTIVE_CALLBACKS.some((re) => re.test(u)));
  if (!headless || oauthConfig.certificate !== undefined || oauthConfig.isClientCredentialEnabled === true) return undefined;
  return `This app likely serves it: its callback URL (${callbacks.join(', ')}) is not one a browser flow returns to, and it has neither a certificate (JWT bearer) nor client credentials.`;
}

/**
 * The device flow of a Connected App read from metadata older than API 67: not in the file, so
 * unknown (issue 10 row 2). Reported instead of written off, when the ECA could hold it.
 */
function deviceFlowUnknown(oauthConfig: MetadataValues, draft: Draft, sourceKnowsDeviceFlow: boolean): boolean {
  return !sourceKnowsDeviceFlow && oauthConfig.isDeviceFlowEnabled === undefined && draft.gate({ part: 'globalOauthSettings', field: 'isDeviceFlowEnabled' }) === undefined;
}

function noticesFor(values: MetadataValues, options: ConversionOptions, draft: Draft, sourceKnowsDeviceFlow: boolean): Notice[] {
  const notices: Notice[] = [];
  const oauthConfig = values.oauthConfig;
  if (isRecord(oauthConfig) && options.usernamePasswordFlowUsed !== false) {
    const hint = options.usernamePasswordFlowUsed ? 'The org shows logins to this app with the username-password flow.' : usernamePasswordHint(oauthConfig);
    const check = 'Check Login History for this app before you switch.';
    notices.push({
      code: 'username-password-flow',
      severity: hint ? 'attention' : 'info',
      message: `${NOT_CARRIED['username-password-flow']} ${hint ?? check}`,
    });
  }
  if (options.userProvisioningEnabled !== false) {
    notices.push({ code: 'user-provisioning', severity: options.userProvisioningEnabled ? 'attention' : 'info', message: NOT_CARRIED['user-provisioning'] });
  }
  notices.push({ code: 'first-generation-packaging', severity: 'info', message: NOT_CARRIED['first-generation-packaging'] });
  if (isRecord(oauthConfig) && deviceFlowUnknown(oauthConfig, draft, sourceKnowsDeviceFlow)) {
    notices.push({ code: 'device-flow-unknown', severity: 'info', message: NOT_CARRIED['device-flow-unknown'] });
  }
  return notices;
}

function statusOf(problems: readonly Problem[], report: readonly ReportEntry[], notices: readonly Notice[]): ConversionStatus {
  if (problems.length > 0) return 'failed';
  const attention = report.some((e) => e.outcome === 'attention') || notices.some((n) => n.severity === 'attention');
  return attention ? 'attention' : 'clean';
}

// ---------------------------------------------------------------------------------------------
// the ECA

export function satelliteSuffix(part: SatellitePart, naming: SatelliteNaming): string {
  if (naming === 'short') return SATELLITE_NAMES[part];
  if (naming !== 'generated' && naming[part] !== undefined) return naming[part] as string;
  return componentByPart(part).generatedSuffix;
}

/**
 * The draft was written field by field from the schema-checked table. The cast is to the
 * @salesforce/types shapes, which declare repeated elements (customAttributes, trustedIpRanges)
 * as required arrays although metadata files may leave them out.
 */
function component<P extends ConvertedPart>(part: P, fullName: string, values: MetadataValues): Component<EcaPartValues[P]> {
  return { type: componentByPart(part).type, fullName, values: values as unknown as EcaPartValues[P] };
}

/** Eca['parts'][P] = c; TypeScript cannot index the mapped type by a generic key, hence the view. */
function setPart<P extends SatellitePart>(parts: Eca['parts'], part: P, c: Component<EcaPartValues[P]>): void {
  (parts as { [K in P]?: Component<EcaPartValues[K]> })[part] = c;
}

function assemble(app: string, naming: SatelliteNaming, draft: Draft): Eca {
  const parts: Eca['parts'] = { header: component('header', app, draft.values('header') ?? {}) };
  for (const part of SATELLITES) {
    const values = draft.values(part);
    if (!values) continue;
    const fullName = `${app}${satelliteSuffix(part, naming)}`;
    setPart(parts, part, component(part, fullName, { externalClientApplication: app, label: fullName, ...values }));
  }
  return { name: app, parts };
}
