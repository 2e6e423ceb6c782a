/**
 * How an operation reports progress without knowing how it is shown: a stage begins (with values
 * to show beside it), stages are skipped, values change, counted work advances. The command binds
 * the callback to MultiStageOutput, a spinner or a progress bar (./progress.ts); an operation run
 * without one (a test, another operation) reports to nobody. Types only: it loads nothing.
 */
export type ProgressData = Readonly<Record<string, string | undefined>>;

export type ProgressEvent =
  /** a stage begins */
  | { readonly stage: string; readonly data?: ProgressData }
  /** jump to a stage, the ones before it skipped */
  | { readonly skipTo: string; readonly data?: ProgressData }
  /** values shown beside the stages change (a deploy id, a status, the target) */
  | { readonly data: ProgressData }
  /** counted work: `done` of `total` */
  | { readonly done: number; readonly total: number };

export type OnProgress = (event: ProgressEvent) => void;

/** The callback to use when the caller gave none. */
export function progressTo(onProgress: OnProgress | undefined): OnProgress {
  return onProgress ?? ((): void => undefined);
}
