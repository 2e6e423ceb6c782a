/**
 * What a policy check could not read: a file, a folder, a symbolic link, an element, an org or a
 * login. A gate never passes on input it could not read, so each of these makes the run
 * incomplete (exit 2), is named in every output (the human view, --json, a SARIF
 * toolExecutionNotification, a JUnit <error>), and keeps a compliance control from passing.
 *
 * SARIF 2.1.0 Appendix I ("Detecting incomplete result sets"): an invocation whose
 * executionSuccessful is false, or a toolExecutionNotification of level "error", tells a consumer
 * that the results cannot be assumed complete. The Ant JUnit schema: <error> marks a test that
 * could not run (an unanticipated problem), <failure> one that ran and failed.
 */

export type InputProblemCode =
  | 'malformed'
  | 'doctype'
  | 'invalid-character'
  | 'wrong-root'
  | 'unreadable'
  | 'unknown-element'
  | 'missing-header'
  | 'duplicate-part'
  | 'broken-symlink'
  | 'symlink-loop'
  | 'org-unreadable'
  | 'login-unreadable';

export type InputProblem = {
  readonly code: InputProblemCode;
  readonly message: string;
  /** the file or folder, under the folder the user named (as typed) */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** the org, as the user named it (alias or username) */
  readonly org?: string;
  /** the named error that stopped an org's read, e.g. OrgUnreachableError */
  readonly error?: string;
  /** what to do about it */
  readonly actions?: readonly string[];
};

export type InputProblemKind = {
  readonly title: string;
  readonly description: string;
};

/** One entry per code: SARIF tool.driver.notifications, JUnit error types, help. */
export const INPUT_PROBLEMS: Readonly<Record<InputProblemCode, InputProblemKind>> = {
  malformed: { title: 'Metadata file is not well-formed XML', description: 'The file is truncated or not XML; none of its settings were checked.' },
  doctype: { title: 'Metadata file has a DOCTYPE', description: 'Metadata files have no DOCTYPE, and one is never read (entities could reach files or the network).' },
  'invalid-character': { title: 'Metadata file holds a character XML forbids', description: 'The file holds a character XML 1.0 cannot carry; it was not read.' },
  'wrong-root': { title: 'Metadata file holds another type', description: 'The root element is not the metadata type the file name says; the file was not read.' },
  unreadable: { title: 'File or folder cannot be read', description: 'The file system refused to read it (permissions, I/O).' },
  'unknown-element': {
    title: 'Element the audit cannot read',
    description: 'An element no Metadata API version the plugin knows has; the audit cannot tell what it does, and Salesforce refuses it on deploy.',
  },
  'missing-header': {
    title: 'App part without its app',
    description: 'An External Client App satellite whose ExternalClientApplication header is not in the checked source; it was not audited.',
  },
  'duplicate-part': {
    title: 'Second part of one kind for an app',
    description: 'A second External Client App satellite of the same kind for one app; the audit read only the first.',
  },
  'broken-symlink': { title: 'Symbolic link leads nowhere', description: 'A dangling symbolic link; SDR fails on it too.' },
  'symlink-loop': { title: 'Symbolic link loop', description: 'A symbolic link that leads back to a folder above it; it was not followed.' },
  'org-unreadable': { title: 'Org could not be read', description: 'The org did not answer, refused the session, or failed a request; none of its apps were checked.' },
  'login-unreadable': { title: 'CLI login cannot be read', description: "The CLI's stored login for an org cannot be read; the org was not checked." },
};

export const INPUT_PROBLEM_CODES: readonly InputProblemCode[] = Object.keys(INPUT_PROBLEMS) as InputProblemCode[];

/** Where a problem is: "force-app/x.xml:3", "org prod", or "" when neither is known. */
export function problemWhere(p: Pick<InputProblem, 'file' | 'line' | 'org'>): string {
  if (p.file !== undefined) return `${p.file}${p.line === undefined ? '' : `:${p.line}`}`;
  if (p.org !== undefined) return `org ${p.org}`;
  return '';
}

/** "force-app/x.xml:3: message" */
export function describeProblem(p: InputProblem): string {
  const where = problemWhere(p);
  return where ? `${where}: ${p.message}` : p.message;
}

/** Files first (by path and line), then orgs, then the rest. */
export function compareProblems(a: InputProblem, b: InputProblem): number {
  const rank = (p: InputProblem): number => (p.file !== undefined ? 0 : p.org !== undefined ? 1 : 2);
  const text = (x: string | undefined, y: string | undefined): number => ((x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0);
  return rank(a) - rank(b) || text(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || text(a.org, b.org) || text(a.message, b.message);
}
