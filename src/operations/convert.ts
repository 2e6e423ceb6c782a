/**
 * `sf eca convert`: Connected Apps (from source or an org) to External Client Apps, one at a time
 * (a bad app never stops the others), with a report of every field; files written all or none;
 * optionally validated and deployed to an org. The mapping itself is the domain's
 * (domain/convert/mapping.ts).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Messages } from '@salesforce/core';
import { readConnectedApplicationNames } from '../org/apps.js';
import { readPermissionSetNamesByLabel } from '../org/references.js';
import { openSession, type OrgRef, validateThenDeploy } from '../org/session.js';
import { CONNECTED_APP, componentOfFile } from '../domain/components.js';
import { checkConnectedAppSource, convertConnectedApp, renderMarkdownReport } from '../domain/convert/index.js';
import type { ConversionResult } from '../domain/convert/convert.js';
import { ecaComponents, type Eca } from '../domain/model.js';
import { formatApiVersion } from '../domain/schema/index.js';
import { developerNameProblem, toDeveloperName } from '../domain/validate.js';
import { type MetadataValues, MetadataXmlError, parseMetadataXml } from '../domain/xml.js';
import { checkApiVersion } from '../shared/appSpec.js';
import { planSourceFiles, writeSourceFiles } from '../shared/appSource.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { writeFilesAtomically } from '../shared/files.js';
import { defaultSourceRoot, projectSourceApiVersion } from '../shared/project.js';
import { findMetadataFiles } from '../shared/sourceFiles.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.convert');

export type ConvertedField = { source: string; outcome: string; target?: string; from?: string; to?: string; reason?: string };

export type ConvertedApp = {
  /** the Connected App's full name (the ECA takes the same name) */
  name: string;
  /** the file it was read from, or "org:<alias>" */
  source: string;
  status: 'clean' | 'attention' | 'failed' | 'skipped';
  /** why it was skipped or failed */
  reason?: string;
  files: string[];
  report: ConvertedField[];
  filled: Array<{ target: string; value: string; reason: string }>;
  notices: Array<{ code: string; severity: string; message: string }>;
  problems: Array<{ message: string; fix: string; file?: string; line?: number }>;
  /** the API version the Connected App was read at ("66.0") and where that comes from: the retrieve, a package.xml, sfdx-project.json */
  sourceApiVersion?: { version: string; from: string };
};

export type ConvertResult = {
  apiVersion: string;
  summary: { clean: number; attention: number; failed: number; skipped: number };
  apps: ConvertedApp[];
  reportFile?: string;
  deployed?: { org: string; validationId: string; deployId: string; components: number };
};

type Candidate = {
  name: string;
  source: string;
  file?: string;
  values: MetadataValues;
  /** the API version it was read at, when known: without it the device flow setting counts as unknown */
  sourceApiVersion?: { version: number; from: string };
};

export type ConvertInput = {
  sourceDirs?: readonly string[];
  /** the org to read Connected Apps from (--target-org) */
  org?: OrgRef;
  names?: readonly string[];
  all: boolean;
  outputDir?: string;
  /** alias or username to validate and deploy the ECAs to */
  deployTo?: string;
  naming: 'generated' | 'short';
  keepConsumerKey: boolean;
  apiVersion?: string;
  reportFile?: string;
  force: boolean;
  /** the command line, for the report's header */
  commandLine: string;
};

/** The exit outcome of a conversion (EXIT_CODES.convert). */
export function convertOutcome(r: ConvertResult): keyof typeof EXIT_CODES.convert {
  return r.summary.failed ? 'Failed' : r.summary.attention ? 'NeedsAttention' : 'Converted';
}

/**
 * Reports the stages `Reading` (data: org), `Converting` with counted work (done of total),
 * `Validating` and `Deploying` (data: org).
 */
export async function convertApps(input: ConvertInput, onProgress?: OnProgress): Promise<ConvertResult> {
  const progress = progressTo(onProgress);
  const apiVersion = await checkApiVersion(input.apiVersion);
  const version = formatApiVersion(apiVersion);
  if (!input.org && !input.sourceDirs?.length) throw messages.createError('error.NoInput');
  if (input.org && !input.all && !input.names?.length) throw messages.createError('error.OrgNeedsNames');

  const apps: ConvertedApp[] = [];
  const candidates: Candidate[] = [];
  let permissionSetNames: Map<string, string> | undefined;
  if (input.org) {
    const read = await readOrg(input.org, input.names, progress);
    candidates.push(...read.candidates);
    apps.push(...read.skipped);
    permissionSetNames = read.permissionSetNames;
  } else {
    const read = await readSource(input.sourceDirs ?? [], apiVersion);
    candidates.push(...read.candidates);
    apps.push(...read.failed);
  }

  // convert, one app at a time: one bad app never stops the others
  const converted: Array<{ app: ConvertedApp; result: ConversionResult; root?: string }> = [];
  for (const [i, c] of candidates.entries()) {
    const result = convertOne(c, { apiVersion, naming: input.naming, keepConsumerKey: input.keepConsumerKey, permissionSetNames, sourceApiVersion: c.sourceApiVersion?.version });
    const app = toApp(c, result);
    apps.push(app);
    if (result.status !== 'failed') converted.push({ app, result, root: await outputRoot(input.outputDir, c) });
    progress({ done: i + 1, total: candidates.length });
  }

  // write every file or none
  const files = (
    await Promise.all(
      converted
        .filter((c) => c.root)
        .map(async (c) => {
          const planned = await planSourceFiles(c.result.eca, c.root as string);
          c.app.files = planned.map((p) => relative(process.cwd(), p.path));
          return planned;
        })
    )
  ).flat();
  if (files.length) await writeSourceFiles(files, input.force);

  let deployed: ConvertResult['deployed'];
  if (input.deployTo && converted.length) deployed = await deploy(input.deployTo, converted.map((c) => c.result.eca), apiVersion, progress);

  apps.sort((a, b) => a.name.localeCompare(b.name));
  const count = (status: ConvertedApp['status']): number => apps.filter((a) => a.status === status).length;
  const summary = { clean: count('clean'), attention: count('attention'), failed: count('failed'), skipped: count('skipped') };
  let reportFile: string | undefined;
  if (input.reportFile) {
    reportFile = resolve(input.reportFile);
    const markdown = renderMarkdownReport(apps, { generatedAt: new Date().toISOString(), apiVersion: version, command: input.commandLine });
    await writeFilesAtomically([{ path: reportFile, content: markdown }]);
  }
  return { apiVersion: version, summary, apps, reportFile, deployed };
}

/**
 * One Connected App through the domain's conversion, as this command converts it (the report's
 * readiness converts with it too). A full name that is not a developer name (renamed or prefixed
 * copies) gives a valid ECA name, reported as the first field needing attention.
 */
export function convertOne(
  c: { readonly name: string; readonly values: MetadataValues },
  options: { apiVersion: number; naming: ConvertInput['naming']; keepConsumerKey: boolean; permissionSetNames?: ReadonlyMap<string, string>; sourceApiVersion?: number }
): ConversionResult {
  const why = developerNameProblem(c.name);
  const ecaName = why ? toDeveloperName(c.name) : c.name;
  const result = convertConnectedApp({ fullName: c.name, values: c.values }, { ...options, name: ecaName });
  if (!why) return result;
  return {
    ...result,
    status: result.status === 'clean' ? 'attention' : result.status,
    report: [
      { source: 'fullName', outcome: 'attention', target: 'ExternalClientApplication.fullName', from: c.name, to: ecaName, reason: messages.getMessage('reason.renamed', [c.name, why, ecaName]) },
      ...result.report,
    ],
  };
}

/** The Connected Apps of an org, as convert sorts them: to convert, installed from a package, or converted already (an ECA of the name exists). */
export type OrgConversionPlan = {
  candidates: Array<{ name: string; values: MetadataValues }>;
  /** full names (retrieved apps) or labels (apps the org runs that a retrieve does not return) */
  installed: string[];
  converted: string[];
  /** names asked for that the org does not have */
  missing: string[];
};

/**
 * `retrieved`: the org's Connected Apps as a retrieve returns them; `ecaNames`: its local ECAs;
 * `runtime`: ConnectedApplication.Name (labels) of every Connected App it runs; `names`: the apps
 * asked for (all when absent).
 */
export function planOrgConversion(
  retrieved: ReadonlyArray<{ fullName: string; values: MetadataValues; namespacePrefix?: string; manageableState?: string }>,
  ecaNames: ReadonlySet<string>,
  runtime: readonly string[],
  names?: readonly string[]
): OrgConversionPlan {
  // ConnectedApplication.Name is the app's label; an app the org runs that a retrieve does not
  // return was installed from a package (or is Salesforce's own)
  const labels = new Set(retrieved.map((c) => String(c.values.label ?? c.fullName)));
  const looksLike = (name: string, label: string): boolean => label === name || label === name.replace(/_/g, ' ');
  const unknown = (names ?? []).filter((n) => !retrieved.some((c) => c.fullName === n));
  const installed = names?.length ? unknown.filter((n) => runtime.some((r) => looksLike(n, r))) : runtime.filter((label) => !labels.has(label));
  const plan: OrgConversionPlan = { candidates: [], installed, converted: [], missing: unknown.filter((n) => !installed.includes(n)) };
  for (const c of retrieved) {
    if (c.namespacePrefix || c.manageableState === 'installed') plan.installed.push(c.fullName);
    else if (ecaNames.has(c.fullName)) plan.converted.push(c.fullName);
    else plan.candidates.push({ name: c.fullName, values: c.values });
  }
  return plan;
}

async function readSource(dirs: readonly string[], apiVersion: number): Promise<{ candidates: Candidate[]; failed: ConvertedApp[] }> {
  const { files, missing } = await findMetadataFiles(dirs, (k) => k.type === CONNECTED_APP.type);
  if (missing.length) throw messages.createError('error.SourceNotFound', [missing.join(', ')]);
  if (files.length === 0) throw messages.createError('error.NoConnectedApps', [dirs.join(', ')]);
  const candidates: Candidate[] = [];
  const failed: ConvertedApp[] = [];
  const versions = sourceVersions(dirs);
  for (const file of files) {
    const name = componentOfFile(file)?.fullName ?? basename(file);
    const rel = relative(process.cwd(), file);
    const fail = (problems: ConvertedApp['problems'], reason: string): void => {
      failed.push({ name, source: rel, status: 'failed', reason, files: [], report: [], filled: [], notices: [], problems });
    };
    let parsed;
    try {
      parsed = parseMetadataXml(await readFile(file, 'utf8'));
    } catch (e) {
      const line = e instanceof MetadataXmlError ? e.line : undefined;
      fail([{ message: `${rel}${line ? `:${line}` : ''}: ${e instanceof Error ? e.message : String(e)}`, fix: 'Correct the XML.', file: rel, line }], messages.getMessage('reason.malformed'));
      continue;
    }
    const problems = checkConnectedAppSource(parsed, { fullName: name, apiVersion });
    if (problems.length) {
      fail(
        problems.map((p) => ({ message: p.message, fix: p.fix, file: rel, line: p.line })),
        messages.getMessage('reason.unknownElements', [String(problems.length)])
      );
      continue;
    }
    candidates.push({ name, source: rel, file, values: parsed.values, sourceApiVersion: await versions.of(file) });
  }
  return { candidates, failed };
}

/**
 * The API version a Connected App file was retrieved at: the <version> of the package.xml of its
 * MDAPI folder (between the file and the --source-dir that holds it), else the sourceApiVersion
 * of the sfdx project around it. Read once per folder.
 */
function sourceVersions(dirs: readonly string[]): { of(file: string): Promise<{ version: number; from: string } | undefined> } {
  const roots = dirs.map((d) => resolve(d));
  const packageXml = new Map<string, Promise<{ version: number; from: string } | undefined>>();
  const readPackageXml = (dir: string): Promise<{ version: number; from: string } | undefined> => {
    let p = packageXml.get(dir);
    if (!p) {
      const file = join(dir, 'package.xml');
      p = readFile(file, 'utf8').then(
        (text) => {
          const m = /<version>\s*(\d+(?:\.\d+)?)\s*<\/version>/.exec(text);
          return m ? { version: Number.parseFloat(m[1]), from: relative(process.cwd(), file) || file } : undefined;
        },
        () => undefined
      );
      packageXml.set(dir, p);
    }
    return p;
  };
  return {
    async of(file) {
      const root = roots.find((r) => file === r || file.startsWith(r + sep));
      for (let d = dirname(file); ; d = dirname(d)) {
        // eslint-disable-next-line no-await-in-loop
        const found = await readPackageXml(d);
        if (found) return found;
        if (!root || d === root || !d.startsWith(root) || dirname(d) === d) break;
      }
      const project = await projectSourceApiVersion(dirname(file));
      return project ? { version: Number.parseFloat(project), from: 'sfdx-project.json sourceApiVersion' } : undefined;
    },
  };
}

/** One retrieve reads the Connected Apps and the org's ECAs; one query the permission sets. */
async function readOrg(
  ref: OrgRef,
  names: readonly string[] | undefined,
  progress: OnProgress
): Promise<{ candidates: Candidate[]; skipped: ConvertedApp[]; permissionSetNames: Map<string, string> }> {
  // Connected Apps are read at the org's version (up to the newest the schema knows), so that a 67.0
  // org says whether the device flow is on; the ECAs are still written for apiVersion (fields newer
  // than it are reported, never written)
  const s = await openSession(ref, { needsEca: false });
  // the org as the user typed it, in sources, messages and actions
  const alias = s.name;
  progress({ stage: 'Reading', data: { org: alias } });
  const members = [
    ...(names?.length ? names.map((n) => ({ type: 'ConnectedApp', fullName: n })) : [{ type: 'ConnectedApp', fullName: '*' }]),
    { type: 'ExternalClientApplication', fullName: '*' },
  ];
  const [retrieved, permissionSetNames, runtime] = await Promise.all([
    s.access.retrieve(members),
    readPermissionSetNamesByLabel(s.access),
    readConnectedApplicationNames(s.access),
  ]);
  progress({ stage: 'Converting' });
  const ecas = new Set(retrieved.filter((c) => c.type === 'ExternalClientApplication').map((c) => c.fullName));
  const plan = planOrgConversion(
    retrieved.filter((c) => c.type === 'ConnectedApp'),
    ecas,
    runtime,
    names
  );
  if (plan.missing.length) {
    throw messages.createError('error.UnknownApps', [plan.missing.join(', '), alias], [runtime.join(', ') || '(none)', alias]);
  }
  const skipped: ConvertedApp[] = [];
  const skip = (name: string, reason: string): void => {
    skipped.push({ name, source: `org:${alias}`, status: 'skipped', reason, files: [], report: [], filled: [], notices: [], problems: [] });
  };
  for (const n of plan.installed) skip(n, messages.getMessage('reason.installed'));
  for (const n of plan.converted) skip(n, messages.getMessage('reason.converted', [n]));
  const candidates: Candidate[] = plan.candidates.map((c) => ({ ...c, source: `org:${alias}`, sourceApiVersion: { version: s.version, from: `the retrieve from ${alias}` } }));
  return { candidates, skipped, permissionSetNames };
}

/** Where an app's ECA files go: --output-dir, else beside the Connected App's folder, else the project. */
async function outputRoot(outputDir: string | undefined, c: Candidate): Promise<string | undefined> {
  if (outputDir) return resolve(outputDir);
  if (c.file) {
    const dir = dirname(c.file);
    return basename(dir) === 'connectedApps' ? dirname(dir) : dir;
  }
  return defaultSourceRoot();
}

/** Validates every converted app with one check-only deploy, then deploys them, headers with their satellites. */
async function deploy(target: string, ecas: readonly Eca[], apiVersion: number, progress: OnProgress): Promise<NonNullable<ConvertResult['deployed']>> {
  const s = await openSession(target, { maxVersion: apiVersion });
  const components = ecas.flatMap((e) => ecaComponents(e));
  progress({ stage: 'Validating', data: { org: target } });
  const { validation, deployment } = await validateThenDeploy(s.access, components, { onValidated: () => progress({ stage: 'Deploying', data: { org: target } }) });
  if (!validation.success) throw messages.createError('error.ValidationFailed', [target, failures(validation.failures)], [validation.id, target]);
  if (!deployment?.success) throw messages.createError('error.DeployFailed', [target, failures(deployment?.failures ?? [])], [deployment?.id ?? validation.id, target]);
  return { org: target, validationId: validation.id, deployId: deployment.id, components: components.length };
}

function text(v: unknown): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

function failures(list: ReadonlyArray<{ type: string; fullName: string; problem: string; line?: number }>): string {
  return list.map((f) => `  ${f.type}:${f.fullName}${f.line ? ` (line ${f.line})` : ''}: ${f.problem}`).join('\n');
}

function toApp(c: Candidate, result: ConversionResult): ConvertedApp {
  return {
    name: c.name,
    source: c.source,
    status: result.status,
    reason: result.status === 'failed' ? messages.getMessage('reason.invalidResult') : undefined,
    files: [],
    report: result.report.map((r) => ({ source: r.source, outcome: r.outcome, target: r.target, from: text(r.from), to: text(r.to), reason: r.reason })),
    filled: result.filled.map((f) => ({ target: f.target, value: text(f.value) ?? '', reason: f.reason })),
    notices: result.notices.map((n) => ({ code: n.code, severity: n.severity, message: n.message })),
    problems: result.problems.map((p) => ({ message: p.message, fix: p.fix, file: c.file ? relative(process.cwd(), c.file) : undefined })),
    ...(c.sourceApiVersion ? { sourceApiVersion: { version: formatApiVersion(c.sourceApiVersion.version), from: c.sourceApiVersion.from } } : {}),
  };
}

