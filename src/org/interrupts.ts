/**
 * Ctrl-C (SIGINT) and SIGTERM while a deploy is in flight. Once the org has accepted a deploy
 * it has an ID and goes on whatever happens to the command, so a signal must not lose that ID:
 * the watch that is running stops and the deploy path throws a named error with the ID and the
 * lines to follow it (./orgAccess.ts), which the command ends with (exit 130 or 143).
 *
 * Why the CLI's own handling is set aside while a deploy is watched: sf-plugins-core's
 * SfCommand._run listens to SIGINT, SIGTERM, SIGBREAK and SIGHUP and calls `this.exit(130)`
 * from the listener, which throws oclif's ExitError outside any command code: the process
 * ends with exit 1, "ExitError: EEXIT: 130" and its stack trace, and nothing about the deploy
 * (measured with sf 2.150.6). So from the deploy request to the end of its polling (and across
 * validate-then-deploy) the listeners of SIGINT and SIGTERM are put aside and ours answer;
 * afterwards the others are put back, and ours are gone.
 *
 * After a signal: nothing new is deployed in this process (a command that records the error as
 * one target's outcome cannot go on deploying to the next) except a cleanup deploy that puts back
 * what the command changed, and a second signal exits at once.
 */
import { writeSync } from 'node:fs';
import { DEPLOY_EXIT_CODES } from '../shared/exitCodes.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** The shell's convention, 128 + the signal's number (src/shared/exitCodes.ts). */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: DEPLOY_EXIT_CODES.Interrupted, SIGTERM: DEPLOY_EXIT_CODES.Terminated };

type Listener = (...args: unknown[]) => void;

/** What a second signal prints before the process exits: the deploy that goes on, if one is known. */
type State = {
  depth: number;
  saved: Map<StopSignal, Listener[]>;
  received?: StopSignal;
  waiters: Set<(signal: StopSignal) => void>;
  lastWords?: string;
};

const state: State = { depth: 0, saved: new Map(), waiters: new Set() };

function firstSignal(signal: StopSignal): void {
  if (state.received) return secondSignal(signal);
  state.received = signal;
  for (const wake of [...state.waiters]) wake(signal);
}

/** A second signal: the user wants out now. */
function secondSignal(signal: StopSignal): void {
  try {
    if (state.lastWords) writeSync(2, `\n${state.lastWords}\n`);
  } catch {
    // stderr is gone: exit all the same
  }
  process.exit(SIGNAL_EXIT_CODES[signal]);
}

const listeners: Record<StopSignal, Listener> = {
  SIGINT: () => firstSignal('SIGINT'),
  SIGTERM: () => firstSignal('SIGTERM'),
};

function install(): void {
  for (const signal of SIGNALS) {
    const others = process.listeners(signal).filter((l) => l !== listeners[signal]) as Listener[];
    state.saved.set(signal, others);
    for (const l of others) process.removeListener(signal, l);
    if (!process.listeners(signal).includes(listeners[signal])) process.prependListener(signal, listeners[signal]);
  }
}

function uninstall(): void {
  for (const signal of SIGNALS) {
    const saved = state.saved.get(signal) ?? [];
    // putting back as many listeners as were there is no leak: do not warn of one again
    const max = process.getMaxListeners();
    if (max !== 0 && saved.length + 1 > max) process.setMaxListeners(saved.length + 1);
    for (const l of saved) if (!process.listeners(signal).includes(l)) process.on(signal, l);
    // after a signal, ours stays first so that a second one exits at once (the command is ending)
    if (!state.received) process.removeListener(signal, listeners[signal]);
  }
  state.saved.clear();
}

/** The signal this process received while a deploy was watched, if any. */
export function receivedSignal(): StopSignal | undefined {
  return state.received;
}

/** What `race` rejects with when a signal comes first. */
export class SignalReceived extends Error {
  public constructor(public readonly signal: StopSignal) {
    super(`received ${signal}`);
    this.name = 'SignalReceived';
  }
}

/** One watch: while it is open, SIGINT and SIGTERM are ours. Watches nest (validate then deploy). */
export type SignalWatch = {
  /** the signal received since the process started watching, if any */
  readonly received: StopSignal | undefined;
  /** `work`, unless a signal comes first: then rejects with SignalReceived (work goes on, unobserved) */
  race<T>(work: Promise<T>): Promise<T>;
  /** what a second signal prints before the process exits (the deploy that goes on) */
  setLastWords(text: string): void;
  /** closes this watch; the last one puts the CLI's own listeners back */
  close(): void;
};

/**
 * `cleanup`: the watch of a deploy that puts back what the command changed (a setting changed for
 * a moment): a signal received before it does not stop it, since the user stopped the command,
 * not its repair; a signal during it is a second one and exits at once.
 */
export function watchSignals(options: { cleanup?: boolean } = {}): SignalWatch {
  if (state.depth++ === 0) install();
  let closed = false;
  const ignorePast = options.cleanup === true && state.received !== undefined;
  return {
    get received() {
      return ignorePast ? undefined : state.received;
    },
    race<T>(work: Promise<T>): Promise<T> {
      // whichever loses, its rejection must not go unhandled
      work.catch(() => undefined);
      if (state.received && !ignorePast) return Promise.reject(new SignalReceived(state.received));
      let wake: (signal: StopSignal) => void = () => undefined;
      const signalled = new Promise<never>((_, reject) => {
        wake = (signal): void => reject(new SignalReceived(signal));
        state.waiters.add(wake);
      });
      signalled.catch(() => undefined);
      return Promise.race([work, signalled]).finally(() => state.waiters.delete(wake));
    },
    setLastWords(text: string): void {
      state.lastWords = text;
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (--state.depth === 0) uninstall();
    },
  };
}

/** Tests only: forget a signal received, and remove the listener a signal left in place. */
export function resetSignalState(): void {
  if (state.depth > 0) throw new Error('a deploy is still being watched');
  for (const signal of SIGNALS) process.removeListener(signal, listeners[signal]);
  state.received = undefined;
  state.lastWords = undefined;
  state.waiters.clear();
}
