/**
 * The one wrapper between an operation's progress callback and what the terminal shows, like
 * plugin-deploy-retrieve's utils/deployStages.ts: MultiStageOutput for work in stages (create,
 * migrate), a spinner for one wait (list, display, token verify, convert's org reads), a progress
 * bar for counted work (convert). Nothing is shown under --json.
 *
 * Import lazily (inside run()): MultiStageOutput loads ink.
 */
import { MultiStageOutput } from '@oclif/multi-stage-output';
import type { Progress, Spinner } from '@salesforce/sf-plugins-core';
import type { OnProgress, ProgressData, ProgressEvent } from './progressEvents.js';

export type ProgressView = {
  readonly onProgress: OnProgress;
  /** the work ended; `failed` for an outcome that is not an error (a migrate target failed) */
  stop(status?: 'completed' | 'failed'): void;
  /** the work ended with an error */
  error(): void;
};

/** `whenSet`: shown only once it has a value (no spinner, and no ✘ when the work fails before it is known) */
export type StageField = { readonly label: string; readonly key: string; readonly bold?: boolean; readonly whenSet?: boolean };

/** Work in stages, with values shown under them (a deploy id, a status, the current target). */
export function stagesView(o: { title: string; stages: readonly string[]; jsonEnabled: boolean; fields?: readonly StageField[] }): ProgressView {
  const mso = new MultiStageOutput<Record<string, string | undefined>>({
    stages: [...o.stages],
    title: o.title,
    jsonEnabled: o.jsonEnabled,
    postStagesBlock: (o.fields ?? []).map((f) => ({
      label: f.label,
      get: (d): string | undefined => d?.[f.key],
      type: f.whenSet ? ('static-key-value' as const) : ('dynamic-key-value' as const),
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

/** One wait at a time, its text chosen by the command for each stage (undefined: no spinner for it). */
export function spinnerView(spinner: Spinner, jsonEnabled: boolean, text: (stage: string, data?: ProgressData) => string | undefined): ProgressView {
  const onProgress = (e: ProgressEvent): void => {
    if (jsonEnabled || !('stage' in e)) return;
    const t = text(e.stage, e.data);
    if (t) spinner.start(t);
    else spinner.stop();
  };
  return { onProgress, stop: (): void => spinner.stop(), error: (): void => spinner.stop('failed') };
}

/** Counted work as a bar (shown when there is more than one item), and a spinner for the waits between. */
export function barView(bar: Progress, spinner: Spinner, o: { jsonEnabled: boolean; title: string; format: string; text: (stage: string, data?: ProgressData) => string | undefined }): ProgressView {
  const waits = spinnerView(spinner, o.jsonEnabled, o.text);
  let started = false;
  const onProgress = (e: ProgressEvent): void => {
    if (!('done' in e)) return waits.onProgress(e);
    if (o.jsonEnabled || e.total < 2) return;
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
