/**
 * The one wrapper between an operation's progress callback and what the terminal shows, like
 * plugin-deploy-retrieve's utils/deployStages.ts: MultiStageOutput for work in stages (create,
 * migrate), a spinner for one wait (list, display, token verify, convert's org reads), a progress
 * bar for counted work (convert). Nothing is shown under --json.
 *
 * Only a terminal gets redrawn output. When stdout or stderr is not a TTY (a pipe, a CI log, a
 * file), every view writes at most one plain line per stage to stderr and nothing else: no
 * spinner frames, no MultiStageOutput redraws, no progress bar, no ANSI codes.
 *
 * Import lazily (inside run()). MultiStageOutput is loaded only when a terminal will draw it: it
 * brings ink and react, about 0.5 s of CPU and 50 MB to load (`node -e "import(...)"` on this
 * machine), which `--json` and a pipeline's log never use.
 */
import type { MultiStageOutput } from '@oclif/multi-stage-output';
import type { Progress, Spinner } from '@salesforce/sf-plugins-core';
import type { OnProgress, ProgressData, ProgressEvent } from './progressEvents.js';

export type ProgressView = {
  readonly onProgress: OnProgress;
  /** the work ended; `failed` for an outcome that is not an error (a migrate target failed) */
  stop(status?: 'completed' | 'failed'): void;
  /** the work ended with an error */
  error(): void;
};

/** every field is shown only once it has a value (no spinner, and no ✘ when the work fails before it is known); `whenSet` is kept for callers that say so */
export type StageField = { readonly label: string; readonly key: string; readonly bold?: boolean; readonly whenSet?: boolean };

/** Where the plain lines go (stderr; a command passes `(t) => this.logToStderr(t)`). */
export type LineWriter = (text: string) => void;

/** True when both stdout and stderr are terminals: only then is progress drawn and redrawn. */
export function isInteractive(streams: { stdout: { isTTY?: boolean }; stderr: { isTTY?: boolean } } = process): boolean {
  return Boolean(streams.stdout.isTTY && streams.stderr.isTTY);
}

const toStderr: LineWriter = (text) => {
  process.stderr.write(`${text}\n`);
};

/** Writes a line unless it repeats the one before (a stage reported twice, a spinner text set again). */
function plainLines(write: LineWriter): (text: string | undefined) => void {
  let last: string | undefined;
  return (text) => {
    if (!text || text === last) return;
    last = text;
    write(text);
  };
}

const quiet: ProgressView = { onProgress: () => undefined, stop: () => undefined, error: () => undefined };

type StagesOptions = {
  title: string;
  stages: readonly string[];
  jsonEnabled: boolean;
  fields?: readonly StageField[];
  /** where the plain lines go when not in a terminal (default: stderr) */
  line?: LineWriter;
  /** default: isInteractive() */
  interactive?: boolean;
};

/** Runs `work` under `view`: stop() when it returns, error() when it throws (the command renders after). */
export async function watched<T>(view: ProgressView, work: (onProgress: OnProgress) => Promise<T>): Promise<T> {
  try {
    const result = await work(view.onProgress);
    view.stop();
    return result;
  } catch (e) {
    view.error();
    throw e;
  }
}

type StagesClass = typeof MultiStageOutput;

/** Work in stages, with values shown under them (a deploy id, a status, the current target). */
export async function stagesView(o: StagesOptions): Promise<ProgressView> {
  return (await stagesViewMaker(o))(o);
}

/**
 * For a stages view made later and synchronously (when the first stage comes): loads now what a
 * terminal will need to draw it, and nothing under --json or outside a terminal.
 */
export async function stagesViewMaker(o: Pick<StagesOptions, 'jsonEnabled' | 'interactive'>): Promise<(o: StagesOptions) => ProgressView> {
  const draws = !o.jsonEnabled && (o.interactive ?? isInteractive());
  const Stages = draws ? (await import('@oclif/multi-stage-output')).MultiStageOutput : undefined;
  return (options) => makeStagesView(options, Stages);
}

function makeStagesView(o: StagesOptions, Stages: StagesClass | undefined): ProgressView {
  if (o.jsonEnabled) return quiet;
  if (!(o.interactive ?? isInteractive()) || !Stages) return plainStagesView(o);
  const mso = new Stages<Record<string, string | undefined>>({
    stages: [...o.stages],
    title: o.title,
    jsonEnabled: o.jsonEnabled,
    // static: a value shows once it is known, and never as a failure mark ("Deploy ID: ✘") when
    // the work stopped before it existed
    postStagesBlock: (o.fields ?? []).map((f) => ({
      label: f.label,
      get: (d): string | undefined => d?.[f.key],
      type: 'static-key-value' as const,
      ...(f.bold ? { bold: true } : {}),
    })),
  });
  const onProgress = (e: ProgressEvent): void => {
    if ('stage' in e) mso.goto(e.stage, e.data);
    else if ('skipTo' in e) mso.skipTo(e.skipTo, e.data);
    else if ('data' in e) mso.updateData(e.data);
  };
  return { onProgress, stop: (status = 'completed'): void => mso.stop(status), error: (): void => mso.error() };
}

/** Outside a terminal: "<title>: <stage>" once per stage, with the values named by `fields` that are known then. */
function plainStagesView(o: StagesOptions): ProgressView {
  const line = plainLines(o.line ?? toStderr);
  let data: Record<string, string | undefined> = {};
  const onProgress = (e: ProgressEvent): void => {
    if ('data' in e && e.data) data = { ...data, ...e.data };
    const stage = 'stage' in e ? e.stage : 'skipTo' in e ? e.skipTo : undefined;
    if (stage === undefined) return;
    const values = (o.fields ?? []).map((f) => (data[f.key] ? `${f.label.toLowerCase()} ${data[f.key] ?? ''}` : undefined)).filter(Boolean);
    line(`${o.title}: ${stage}${values.length ? ` (${values.join(', ')})` : ''}`);
  };
  return { onProgress, stop: () => undefined, error: () => undefined };
}

/** One wait at a time, its text chosen by the command for each stage (undefined: no spinner for it). */
export function spinnerView(
  spinner: Spinner,
  jsonEnabled: boolean,
  text: (stage: string, data?: ProgressData) => string | undefined,
  options: { line?: LineWriter; interactive?: boolean } = {}
): ProgressView {
  if (jsonEnabled) return quiet;
  if (!(options.interactive ?? isInteractive())) {
    const line = plainLines(options.line ?? toStderr);
    return { onProgress: (e) => ('stage' in e ? line(text(e.stage, e.data)) : undefined), stop: () => undefined, error: () => undefined };
  }
  const onProgress = (e: ProgressEvent): void => {
    if (!('stage' in e)) return;
    const t = text(e.stage, e.data);
    if (t) spinner.start(t);
    else spinner.stop();
  };
  return { onProgress, stop: (): void => spinner.stop(), error: (): void => spinner.stop('failed') };
}

/** Counted work as a bar (shown when there is more than one item), and a spinner for the waits between. */
export function barView(
  bar: Progress,
  spinner: Spinner,
  o: { jsonEnabled: boolean; title: string; format: string; text: (stage: string, data?: ProgressData) => string | undefined; line?: LineWriter; interactive?: boolean }
): ProgressView {
  const interactive = o.interactive ?? isInteractive();
  const waits = spinnerView(spinner, o.jsonEnabled, o.text, { line: o.line, interactive });
  if (o.jsonEnabled || !interactive) {
    // no bar outside a terminal: the title once when counted work begins, the waits as lines
    const line = plainLines(o.line ?? toStderr);
    return {
      onProgress: (e) => ('done' in e ? (!o.jsonEnabled && e.total > 1 && e.done === 1 ? line(`${o.title} (${e.total})`) : undefined) : waits.onProgress(e)),
      stop: () => undefined,
      error: () => undefined,
    };
  }
  let started = false;
  const onProgress = (e: ProgressEvent): void => {
    if (!('done' in e)) return waits.onProgress(e);
    if (e.total < 2) return;
    if (!started) bar.start(e.total, {}, { title: o.title, format: o.format });
    started = true;
    bar.update(e.done);
    if (e.done >= e.total) {
      bar.finish();
      started = false;
    }
  };
  return { onProgress, stop: (): void => waits.stop(), error: (): void => (started ? bar.stop() : waits.error()) };
}
