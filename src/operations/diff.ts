/**
 * `sf eca diff`: the field-level drift between two of an org, a source folder and a snapshot.
 * Each org is read with one retrieve (and the userinfo request when its instance URL does not
 * name its sandbox); a snapshot is verified against its manifest before it is read; a source
 * folder that has a file it cannot parse is not compared at all. A side that cannot be read is a
 * named error (exit 2): a gate never passes on input it could not read. The comparison and its
 * normalisation are the domain's (domain/drift).
 */
import { relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { readOrgApps } from '../org/apps.js';
import { openSession, type Session } from '../org/session.js';
import { readSandboxName } from '../org/snapshotFacts.js';
import { CONNECTED_APP } from '../domain/components.js';
import { type AppSet, diffApps, driftMarkdown, type DriftOptions, type DriftProblem, type DriftSide } from '../domain/drift/index.js';
import type { DiffResult } from '../domain/drift/result.js';
import type { TargetRef } from '../domain/migrate/mapping.js';
import { assembleEcas, type ConnectedApp } from '../domain/model.js';
import type { EXIT_CODES } from '../shared/exitCodes.js';
import { findMetadataFiles, readSourceComponents } from '../shared/sourceFiles.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { mappingFor, readMapping } from './mappingFile.js';
import { readSnapshotFolder } from './snapshotFolder.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.diff');

export const DIFF_STAGES = ['Reading both sides', 'Comparing'] as const;

/** One side as the command line names it. */
export type DiffSideInput = { kind: 'org'; org: string } | { kind: 'source'; dir: string } | { kind: 'snapshot'; dir: string };

export type DiffInput = {
  left: DiffSideInput;
  right: DiffSideInput;
  /** only these apps; absent: every app of both sides */
  names?: readonly string[];
  /** the migrate mapping file: left names -> right names */
  mapping?: string;
  /** Markdown report */
  reportFile?: string;
  apiVersion?: string;
};

/** The result of `sf eca diff`: the drift (domain/drift/result.ts), and where the Markdown report went. */
export type EcaDiffResult = DiffResult & {
  /** the Markdown report, relative to the current folder */
  reportFile?: string;
};

type ReadSide = { side: DriftSide; apps: AppSet; sandboxName?: string; target: TargetRef; problems: DriftProblem[]; partial: boolean };

/** The exit outcome of a diff (EXIT_CODES.diff): a problem that makes an app's comparison untrustworthy is an error, never "identical". */
export function diffOutcome(r: EcaDiffResult): keyof typeof EXIT_CODES.diff {
  if (r.problems.some((p) => p.severity === 'error')) return 'Error';
  return r.identical ? 'Identical' : 'Different';
}

/** The side as the user named it: an org alias or a folder. */
export function describeSide(s: DiffSideInput): string {
  return s.kind === 'org' ? s.org : s.dir;
}

/**
 * The two sides from the flags: the left is the first of --snapshot, --source-org, --source-dir
 * given, --target-org is always the right. Exactly two, or a named error.
 */
export function sidesOf(flags: { sourceOrg?: string; targetOrg?: string; sourceDirs?: readonly string[]; snapshots?: readonly string[] }): { left: DiffSideInput; right: DiffSideInput } {
  const sides: DiffSideInput[] = [
    ...(flags.snapshots ?? []).map((dir): DiffSideInput => ({ kind: 'snapshot', dir })),
    ...(flags.sourceOrg ? [{ kind: 'org', org: flags.sourceOrg } as DiffSideInput] : []),
    ...(flags.sourceDirs ?? []).map((dir): DiffSideInput => ({ kind: 'source', dir })),
    ...(flags.targetOrg ? [{ kind: 'org', org: flags.targetOrg } as DiffSideInput] : []),
  ];
  if (sides.length !== 2) {
    const given = sides.length === 0 ? 'none was given' : `${sides.length} were given (${sides.map(describeSide).join(', ')})`;
    throw messages.createError('error.Sides', [given]);
  }
  return { left: sides[0], right: sides[1] };
}

/** An org side: its session opens first (`opened`), then its apps are read. */
function startOrgSide(name: string, apiVersion: string | undefined): { opened: Promise<unknown>; read: Promise<ReadSide> } {
  const opening = openSession(name, { apiVersion });
  return { opened: opening.catch(() => undefined), read: opening.then((session) => readOrgSide(name, session)) };
}

async function readOrgSide(name: string, session: Session): Promise<ReadSide> {
  const [apps, sandboxName] = await Promise.all([readOrgApps(session.access, session.version, { connectedApps: true }), readSandboxName(session)]);
  return {
    side: { kind: 'org', name, orgId: session.orgId },
    apps: { ecas: apps.ecas, connectedApps: apps.connectedApps },
    ...(sandboxName ? { sandboxName } : {}),
    target: { username: session.username, aliases: [name] },
    problems: apps.orphans.map((c) => ({ severity: 'warning', message: messages.getMessage('problem.orphan', [`${c.type}:${c.fullName}`, name]) })),
    partial: false,
  };
}

async function readSourceSide(dir: string): Promise<ReadSide> {
  const { files, missing } = await findMetadataFiles([dir]);
  if (missing.length) throw messages.createError('error.SourceNotFound', [dir]);
  // values only: a difference names its setting, not a line (a file that cannot be parsed still says where)
  const { components, problems } = await readSourceComponents(files, { positions: false });
  const where = (file: string): string => relative(resolve(dir), file) || file;
  if (problems.length) {
    throw messages.createError('error.SourceUnreadable', [dir, problems.map((p) => `  ${where(p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n')]);
  }
  if (components.length === 0) throw messages.createError('error.SourceEmpty', [dir]);
  const connectedApps = components.filter((c) => c.type === CONNECTED_APP.type).map((c) => ({ type: c.type, fullName: c.fullName, values: c.values }) as ConnectedApp);
  const assembled = assembleEcas(components.filter((c) => c.type !== CONNECTED_APP.type).map((c) => ({ type: c.type, fullName: c.fullName, values: c.values })));
  const notCompared = [...assembled.orphans, ...assembled.duplicates].map(
    (c): DriftProblem => ({ severity: 'warning', message: messages.getMessage('problem.orphan', [`${c.type}:${c.fullName}`, dir]) })
  );
  return { side: { kind: 'source', name: dir }, apps: { ecas: assembled.ecas, connectedApps }, target: dir, problems: notCompared, partial: true };
}

async function readSnapshotSide(dir: string): Promise<ReadSide> {
  const folder = await readSnapshotFolder(dir);
  const org = folder.manifest.org;
  return {
    side: { kind: 'snapshot', name: dir, orgId: org.id },
    apps: { ecas: folder.ecas, connectedApps: folder.connectedApps },
    ...(org.sandboxName ? { sandboxName: org.sandboxName } : {}),
    target: dir,
    problems: [],
    partial: false,
  };
}

/**
 * Both sides, read at once. An org side opens its session in many small steps (files, a token
 * check) and then waits on the org; a folder or a snapshot is read in long stretches of parsing.
 * So the files wait until every org side has opened its session and started its read, and are
 * parsed while the org answers, instead of holding the org's first steps back.
 */
function readSides(sides: readonly DiffSideInput[], apiVersion: string | undefined): Array<Promise<ReadSide>> {
  const orgs = sides.map((s) => (s.kind === 'org' ? startOrgSide(s.org, apiVersion) : undefined));
  const opened = Promise.all(orgs.map((o) => o?.opened));
  return sides.map((s, i) => {
    if (s.kind !== 'org') return opened.then(() => (s.kind === 'snapshot' ? readSnapshotSide(s.dir) : readSourceSide(s.dir)));
    return (orgs[i] as ReturnType<typeof startOrgSide>).read;
  });
}

export async function diffSides(input: DiffInput, onProgress?: OnProgress): Promise<EcaDiffResult> {
  const progress = progressTo(onProgress);
  const mappingFile = await readMapping(input.mapping);
  progress({ stage: DIFF_STAGES[0], data: { left: describeSide(input.left), right: describeSide(input.right) } });
  // both sides are read, whatever happens to the other: a failure names the side it is about
  const [left, right] = await Promise.allSettled(readSides([input.left, input.right], input.apiVersion));
  if (left.status === 'rejected' || right.status === 'rejected') {
    const failed = [left, right].flatMap((r, i) => (r.status === 'rejected' ? [{ side: i === 0 ? input.left : input.right, error: r.reason as unknown }] : []));
    const first = failed[0].error;
    if (failed.length === 2 && first instanceof Error) {
      const other = failed[1].error;
      (first as Error & { actions?: string[] }).actions = [
        ...((first as { actions?: string[] }).actions ?? []),
        messages.getMessage('note.otherSideUnreadable', [describeSide(failed[1].side), other instanceof Error ? other.message : String(other)]),
      ];
    }
    throw first;
  }

  progress({ stage: DIFF_STAGES[1] });
  const l = left.value;
  const r = right.value;
  const namesOf = (side: ReadSide): string[] => [...new Set([...side.apps.ecas.map((e) => e.name), ...(side.apps.connectedApps ?? []).map((c) => c.fullName)])];
  // a source folder may leave things out: without --name, only the apps it has are compared
  const partialSide = l.partial ? l : r.partial ? r : undefined;
  const names = input.names ? [...input.names] : partialSide ? namesOf(partialSide) : undefined;
  const appNames = namesOf(l);
  const { mapping, certificates } = await mappingFor(mappingFile, r.target, names ?? appNames);
  const options: DriftOptions = {
    mapping,
    certificates,
    sandboxes: { fromSandbox: l.sandboxName, toSandbox: r.sandboxName },
    ...(l.partial ? { partial: 'left' as const } : r.partial ? { partial: 'right' as const } : {}),
    ...(names ? { names } : {}),
  };
  const drift = diffApps(l.apps, r.apps, { left: l.side, right: r.side }, options);
  const result: EcaDiffResult = { ...drift, problems: [...l.problems, ...r.problems, ...drift.problems] };
  if (input.reportFile) {
    const file = resolve(input.reportFile);
    const { writeFilesAtomically } = await import('../shared/files.js');
    await writeFilesAtomically([{ path: file, content: driftMarkdown(result) }]);
    result.reportFile = relative(process.cwd(), file) || file;
  }
  return result;
}
