import { dirname, relative, resolve } from 'node:path';
import { Messages, type Org } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.policy.check');

export type PolicyFinding = {
  ruleId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  message: string;
  /** the app (or org, or policy file) the finding is about */
  target: string;
  kind: 'eca' | 'connectedApp' | 'org' | 'config';
  org?: string;
  field?: string;
  file?: string;
  line?: number;
  remediation: string;
  control: string;
  fixable: boolean;
};

export type PolicyCheckResult = {
  passed: boolean;
  failOn: string;
  summary: { critical: number; high: number; medium: number; low: number; total: number; waived: number };
  apps: Array<{ name: string; kind: 'eca' | 'connectedApp'; org?: string; findings: number }>;
  findings: PolicyFinding[];
  waived: Array<{ ruleId: string; target: string; reason: string; expires: string }>;
  fixed: Array<{ file: string; changes: string[] }>;
  problems: Array<{ file: string; line?: number; message: string }>;
  sources: { dirs: string[]; orgs: string[] };
};

/** Exit codes (documented in the help): findings at or above --fail-on give 1; a check that could not run gives 2. */
export const POLICY_EXIT_CODES = { passed: 0, findings: 1, error: 2 } as const;

type AuditInput = {
  apps: Array<import('../../../domain/policy/app.js').AuditedApp>;
  /** source components by "<file>" for --fix */
  sourceComponents: Array<import('../../../shared/sourceFiles.js').SourceComponent>;
  problems: PolicyCheckResult['problems'];
};

export default class PolicyCheck extends SfCommand<PolicyCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Passed (0)', description: 'No finding at or above --fail-on (waived findings do not count).' },
      { name: 'Findings (1)', description: 'At least one finding at or above --fail-on.' },
      { name: 'Error (2)', description: 'The check could not run: bad flags, an unreadable policy file, an org that cannot be read.' },
    ],
  };

  public static readonly flags = {
    'source-dir': Flags.string({ char: 'd', summary: messages.getMessage('flags.source-dir.summary'), multiple: true }),
    'target-org': Flags.string({ char: 'o', summary: messages.getMessage('flags.target-org.summary'), multiple: true }),
    'all-orgs': Flags.boolean({ summary: messages.getMessage('flags.all-orgs.summary'), default: false, exclusive: ['target-org'] }),
    'api-version': Flags.orgApiVersion(),
    'policy-file': Flags.file({ summary: messages.getMessage('flags.policy-file.summary'), exists: true }),
    'fail-on': Flags.option({ summary: messages.getMessage('flags.fail-on.summary'), options: ['low', 'medium', 'high', 'critical', 'none'] as const })(),
    'output-format': Flags.option({
      summary: messages.getMessage('flags.output-format.summary'),
      options: ['human', 'sarif', 'junit'] as const,
      default: 'human' as const,
    })(),
    fix: Flags.boolean({ summary: messages.getMessage('flags.fix.summary'), default: false }),
  };

  public async run(): Promise<PolicyCheckResult> {
    const { flags } = await this.parse(PolicyCheck);
    const policy = await import('../../../domain/policy/index.js');
    const now = new Date();

    const { config, configFile } = await this.loadPolicy(flags['policy-file'], policy);
    let sourceDirs = flags['source-dir'] ?? [];
    const orgNames = flags['all-orgs'] ? await this.allOrgs() : flags['target-org'] ?? [];
    if (sourceDirs.length === 0 && orgNames.length === 0) {
      const { defaultSourceRoot } = await import('../../../shared/project.js');
      const root = await defaultSourceRoot();
      if (!root) throw messages.createError('error.NothingToCheck', [], [], POLICY_EXIT_CODES.error);
      sourceDirs = [root];
    }
    if (flags.fix && orgNames.length > 0) throw messages.createError('error.FixNeedsSource', [], [], POLICY_EXIT_CODES.error);

    const input: AuditInput = { apps: [], sourceComponents: [], problems: [] };
    if (sourceDirs.length) await this.readSource(sourceDirs, input, policy);
    if (orgNames.length) await this.readOrgs(orgNames, flags['api-version'], input, policy);

    const failOn = flags['fail-on'] ?? config.failOn ?? policy.DEFAULT_FAIL_ON;
    let evaluation = policy.evaluate(input.apps, { ...config, failOn }, now, { configFile });

    const fixed: PolicyCheckResult['fixed'] = [];
    if (flags.fix) {
      fixed.push(...(await this.applyFixes(evaluation, input, policy)));
      if (fixed.length) {
        // check again what is on disk now
        const again: AuditInput = { apps: [], sourceComponents: [], problems: [] };
        await this.readSource(sourceDirs, again, policy);
        input.apps = again.apps;
        evaluation = policy.evaluate(input.apps, { ...config, failOn }, now, { configFile });
      }
    }

    const exitCode = policy.exitCodeFor(evaluation.findings, failOn);
    const result = toResult(evaluation, { failOn, exitCode, fixed, problems: input.problems, sourceDirs, orgNames, policy });
    process.exitCode = exitCode;

    if (flags['output-format'] === 'sarif' && !this.jsonEnabled()) {
      this.log(policy.formatSarif(evaluation, { toolName: 'plugin-eca', rootDir: process.cwd() }));
    } else if (flags['output-format'] === 'junit' && !this.jsonEnabled()) {
      this.log(policy.toJunit(evaluation, { name: 'sf eca policy check' }));
    } else {
      this.render(result);
    }
    return result;
  }

  private async loadPolicy(
    file: string | undefined,
    policy: typeof import('../../../domain/policy/index.js')
  ): Promise<{ config: import('../../../domain/policy/config.js').PolicyConfig; configFile?: string }> {
    const { readFile } = await import('node:fs/promises');
    let path = file;
    if (!path) {
      const { SfProject } = await import('@salesforce/core');
      const root = await SfProject.resolveProjectPath().catch(() => process.cwd());
      const candidate = resolve(root, policy.POLICY_CONFIG_FILE);
      path = await readFile(candidate, 'utf8').then(
        () => candidate,
        () => undefined
      );
    }
    if (!path) return { config: {} };
    let parsed: unknown;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
      parsed = JSON.parse(text);
    } catch (e) {
      throw messages.createError('error.PolicyFileUnreadable', [path, e instanceof Error ? e.message : String(e)], [], POLICY_EXIT_CODES.error);
    }
    const { validatePolicyFile } = await import('../../../shared/jsonSchema.js');
    const v = await validatePolicyFile(parsed, text);
    if (!v.ok) {
      throw messages.createError('error.PolicyFileInvalid', [path, v.errors.map((e) => `  ${policy.formatConfigError(e)}`).join('\n')], [], POLICY_EXIT_CODES.error);
    }
    return { config: v.config, configFile: relative(process.cwd(), path) || path };
  }

  private async allOrgs(): Promise<string[]> {
    const { AuthInfo } = await import('@salesforce/core');
    const auths = await AuthInfo.listAllAuthorizations((a) => !a.error);
    if (auths.length === 0) throw messages.createError('error.NoOrgs', [], [], POLICY_EXIT_CODES.error);
    return auths.map((a) => a.aliases?.[0] ?? a.username);
  }

  private async readSource(dirs: readonly string[], input: AuditInput, policy: typeof import('../../../domain/policy/index.js')): Promise<void> {
    const [{ findMetadataFiles, readSourceComponents }, { assembleEcas }, { componentByType }] = await Promise.all([
      import('../../../shared/sourceFiles.js'),
      import('../../../domain/model.js'),
      import('../../../domain/components.js'),
    ]);
    const { files, missing } = await findMetadataFiles(dirs);
    if (missing.length) throw messages.createError('error.SourceNotFound', [missing.join(', ')], [], POLICY_EXIT_CODES.error);
    const { components, problems } = await readSourceComponents(files);
    input.problems.push(...problems.map((p) => ({ file: relative(process.cwd(), p.file), line: p.line, message: p.message })));
    input.sourceComponents.push(...components);
    const ecaComponents = components.filter((c) => c.type !== 'ConnectedApp');
    const { ecas, orphans } = assembleEcas(ecaComponents);
    for (const o of orphans) {
      input.problems.push({
        file: relative(process.cwd(), (o as { file?: string }).file ?? ''),
        message: messages.getMessage('orphan', [`${o.type}:${o.fullName}`, String(o.values.externalClientApplication ?? '')]),
      });
    }
    for (const eca of ecas) {
      const locations: Record<string, import('../../../domain/policy/app.js').SourceLocation> = {};
      for (const c of Object.values(eca.parts)) {
        const sc = c as (typeof components)[number];
        const part = componentByType(sc.type)?.part;
        if (part && sc.file) Object.assign(locations, policy.fieldLocations(part, relative(process.cwd(), sc.file), sc.elements));
      }
      input.apps.push(policy.fromEca(withRelativeFiles(eca), { locations }));
    }
    for (const ca of components.filter((c) => c.type === 'ConnectedApp')) {
      const file = relative(process.cwd(), ca.file);
      input.apps.push(
        policy.fromConnectedApp({ ...ca, file } as unknown as import('../../../domain/model.js').ConnectedApp, {
          locations: policy.fieldLocations('connectedApp', file, ca.elements),
        })
      );
    }
  }

  private async readOrgs(
    names: readonly string[],
    apiVersion: string | undefined,
    input: AuditInput,
    policy: typeof import('../../../domain/policy/index.js')
  ): Promise<void> {
    const [{ Org: OrgClass }, schema, { OrgAccess }, { readOrgApps }, facts] = await Promise.all([
      import('@salesforce/core'),
      import('../../../domain/schema/index.js'),
      import('../../../org/orgAccess.js'),
      import('../../../org/apps.js'),
      import('../../../org/facts.js'),
    ]);
    // a few orgs at a time: each costs a constant number of round trips
    const CONCURRENCY = 4;
    const queue = [...names];
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        let org: Org;
        try {
          org = await OrgClass.create({ aliasOrUsername: name });
        } catch (e) {
          throw messages.createError('error.OrgUnavailable', [name, e instanceof Error ? e.message : String(e)], [name], POLICY_EXIT_CODES.error);
        }
        const conn = org.getConnection(apiVersion);
        const version = Math.min(Number.parseFloat(conn.getApiVersion()), schema.LATEST_KNOWN_API_VERSION);
        const access = new OrgAccess(conn, schema.formatApiVersion(version));
        const apps = await readOrgApps(access, version, { settings: true });
        const runAsNames = [
          ...apps.ecas.map((e) => e.parts.oauthPolicies?.values.clientCredentialsFlowUser),
          ...apps.connectedApps.map((c) => c.values.oauthConfig?.oauthClientCredentialUser),
        ].filter((u): u is string => typeof u === 'string');
        const [runAs, usage] = await Promise.all([facts.readRunAsUsers(access, runAsNames), facts.readTokenUsage(access).catch(() => new Map())]);
        const s = apps.settings ?? {};
        const orgFacts = {
          id: org.getOrgId(),
          name,
          settings: {
            enableConsumerSecretApiAccess: s.enableConsumerSecretApiAccess === true,
            enableClientSecretInRestApiAccess: s.enableClientSecretInRestApiAccess === true,
          },
        };
        const runAsFacts = (u: string | undefined): import('../../../domain/policy/app.js').RunAsUserFacts | undefined => {
          const f = u ? runAs.get(u.toLowerCase()) : undefined;
          return f
            ? { username: f.username, isApiOnly: f.isApiOnly, hasAdminPermissions: f.adminPermissions.length > 0, adminPermissions: f.adminPermissions, profile: f.profile, isActive: f.isActive }
            : undefined;
        };
        for (const eca of apps.ecas) {
          input.apps.push(
            policy.fromEca(eca, {
              org: orgFacts,
              runAsUser: runAsFacts(eca.parts.oauthPolicies?.values.clientCredentialsFlowUser),
              tokenUsage: usage.get(eca.parts.header?.values.label ?? eca.name) ?? usage.get(eca.name),
            })
          );
        }
        for (const ca of apps.connectedApps) {
          input.apps.push(
            policy.fromConnectedApp(ca, {
              org: orgFacts,
              runAsUser: runAsFacts(ca.values.oauthConfig?.oauthClientCredentialUser),
              tokenUsage: usage.get(ca.values.label ?? ca.fullName) ?? usage.get(ca.fullName),
            })
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, () => worker()));
  }

  private async applyFixes(
    evaluation: import('../../../domain/policy/evaluate.js').Evaluation,
    input: AuditInput,
    policy: typeof import('../../../domain/policy/index.js')
  ): Promise<PolicyCheckResult['fixed']> {
    const [{ serializeMetadataXml }, { componentByType }, { writeFilesAtomically }, { createTwoFilesPatch }, { readFile }] = await Promise.all([
      import('../../../domain/xml.js'),
      import('../../../domain/components.js'),
      import('../../../shared/files.js'),
      import('diff'),
      import('node:fs/promises'),
    ]);
    // which source component each fix edits: the app's part, found by app name and kind
    const byApp = new Map<string, Array<(typeof input.sourceComponents)[number]>>();
    for (const c of input.sourceComponents) {
      const owner = c.type === 'ConnectedApp' || c.type === 'ExternalClientApplication' ? c.fullName : String(c.values.externalClientApplication ?? '');
      const key = `${c.type === 'ConnectedApp' ? 'connectedApp' : 'eca'}:${owner}`;
      byApp.set(key, [...(byApp.get(key) ?? []), c]);
    }
    const edits = new Map<string, { component: (typeof input.sourceComponents)[number]; fixes: Array<import('../../../domain/policy/rules.js').Fix>; summaries: string[] }>();
    for (const f of evaluation.findings) {
      if (!f.fix || f.target.type !== 'app') continue;
      const candidates = byApp.get(`${f.target.kind}:${f.target.name}`) ?? [];
      const component = candidates.find((c) => (f.fix?.part === 'connectedApp' ? c.type === 'ConnectedApp' : componentByType(c.type)?.part === f.fix?.part));
      if (!component) continue;
      const e = edits.get(component.file) ?? { component, fixes: [], summaries: [] };
      e.fixes.push(f.fix);
      e.summaries.push(`${f.ruleId}: ${f.fix.summary}`);
      edits.set(component.file, e);
    }
    const planned = [];
    const fixed: PolicyCheckResult['fixed'] = [];
    for (const [file, e] of edits) {
      const before = await readFile(file, 'utf8');
      const after = serializeMetadataXml(e.component.type, policy.applyFixes(e.component.values, e.fixes));
      if (after === before) continue;
      planned.push({ path: file, content: after });
      const rel = relative(process.cwd(), file);
      fixed.push({ file: rel, changes: e.summaries });
      if (!this.jsonEnabled()) this.log(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after, '', '', { context: 2 }));
    }
    await writeFilesAtomically(planned);
    if (planned.length && !this.jsonEnabled()) this.logSuccess(messages.getMessage('fixed', [String(planned.length), dirname(relative(process.cwd(), planned[0].path)) || '.']));
    return fixed;
  }

  private render(r: PolicyCheckResult): void {
    for (const p of r.problems) this.warn(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    const byTarget = new Map<string, PolicyFinding[]>();
    for (const f of r.findings) byTarget.set(`${f.target}${f.org ? ` (${f.org})` : ''}`, [...(byTarget.get(`${f.target}${f.org ? ` (${f.org})` : ''}`) ?? []), f]);
    for (const [target, findings] of byTarget) {
      this.table({
        title: target,
        data: findings.map((f) => ({
          Severity: f.severity.toUpperCase(),
          Rule: f.ruleId,
          Finding: f.message,
          Where: f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.field ?? '',
        })),
      });
    }
    const s = r.summary;
    const line = messages.getMessage('summaryLine', [
      String(r.apps.length),
      String(s.total),
      String(s.critical),
      String(s.high),
      String(s.medium),
      String(s.low),
      String(s.waived),
    ]);
    this.log(line);
    this.log(messages.getMessage(r.failOn === 'none' ? 'notGated' : r.passed ? 'passed' : 'failed', [r.failOn]));
  }
}

function withRelativeFiles<T extends { parts: object }>(eca: T): T {
  const parts = Object.fromEntries(
    Object.entries(eca.parts).map(([k, c]) => [k, { ...(c as object), file: (c as { file?: string }).file ? relative(process.cwd(), (c as { file: string }).file) : undefined }])
  );
  return { ...eca, parts };
}

function toResult(
  evaluation: import('../../../domain/policy/evaluate.js').Evaluation,
  o: {
    failOn: string;
    exitCode: number;
    fixed: PolicyCheckResult['fixed'];
    problems: PolicyCheckResult['problems'];
    sourceDirs: readonly string[];
    orgNames: readonly string[];
    policy: typeof import('../../../domain/policy/index.js');
  }
): PolicyCheckResult {
  const findings: PolicyFinding[] = evaluation.findings.map((f) => {
    const rule = o.policy.ruleById(f.ruleId);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      title: rule?.title ?? f.ruleId,
      message: f.message,
      target: f.target.name,
      kind: f.target.type === 'app' ? f.target.kind : f.target.type,
      org: f.target.type === 'app' ? f.target.org : undefined,
      field: f.field,
      file: f.location?.file,
      line: f.location?.line,
      remediation: rule?.remediation ?? '',
      control: rule?.control ?? '',
      fixable: f.fix !== undefined,
    };
  });
  const count = new Map<string, number>();
  for (const f of evaluation.findings) if (f.target.type === 'app') count.set(`${f.target.kind}:${f.target.name}:${f.target.org ?? ''}`, (count.get(`${f.target.kind}:${f.target.name}:${f.target.org ?? ''}`) ?? 0) + 1);
  return {
    passed: o.exitCode === 0,
    failOn: o.failOn,
    summary: {
      critical: evaluation.summary.critical,
      high: evaluation.summary.high,
      medium: evaluation.summary.medium,
      low: evaluation.summary.low,
      total: evaluation.summary.total,
      waived: evaluation.summary.waived,
    },
    apps: evaluation.apps
      .filter((a) => a.target.type === 'app')
      .map((a) => {
        const t = a.target as { kind: 'eca' | 'connectedApp'; name: string; org?: string };
        return { name: t.name, kind: t.kind, org: t.org, findings: count.get(`${t.kind}:${t.name}:${t.org ?? ''}`) ?? 0 };
      }),
    findings,
    waived: evaluation.waived.map((w) => ({ ruleId: w.finding.ruleId, target: w.finding.target.name, reason: w.waiver.reason, expires: w.waiver.expires })),
    fixed: o.fixed,
    problems: o.problems,
    sources: { dirs: o.sourceDirs.map((d) => relative(process.cwd(), resolve(d)) || '.'), orgs: [...o.orgNames] },
  };
}
