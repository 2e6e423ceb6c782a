/** The error a promise rejects with; a promise that resolves fails the test. */
export async function failure<T = { name: string; message: string; actions?: string[]; exitCode?: number; stack?: string }>(p: Promise<unknown>): Promise<T> {
  try {
    await p;
  } catch (e) {
    return e as T;
  }
  throw new Error('expected a failure');
}
