/**
 * The Metadata API SOAP operations: listMetadata, readMetadata, deploy, checkDeployStatus,
 * cancelDeploy, retrieve, checkRetrieveStatus, checkStatus. Deploys run when their status is first
 * asked for (unless the deployInProgress fault holds them), so a cancel can still stop them.
 */
import { Deployment, type DeployOutcome, type DeployMessage, readDeployOptions, readDeployZip, type DeployOptions, type DeployFiles } from './deploy.js';
import type { Faults } from './faults.js';
import type { SimResponse } from './http.js';
import { KEY_PREFIX } from './ids.js';
import { toXmlElement, valuesForRead } from './metadataView.js';
import { fileProperties, readRetrieveRequest, type RetrieveOutcome, runRetrieve } from './retrieve.js';
import { asObject, bool, objects, soapFault, soapResponse, text, texts, type SoapObject, type SoapRequest, type XmlElement, type XmlValue } from './soap.js';
import type { OrgState, Registry, UserRecord } from './store.js';

type DeployJob = {
  id: string;
  org: OrgState;
  user: UserRecord;
  files: DeployFiles;
  options: DeployOptions;
  apiVersion: number;
  createdDate: string;
  state: 'Queued' | 'InProgress' | 'Done' | 'Canceled';
  outcome?: DeployOutcome;
  completedDate?: string;
};

type RetrieveJob = { id: string; org: OrgState; outcome: Promise<RetrieveOutcome> };

export const MAX_LIST_QUERIES = 3;
export const MAX_READ_NAMES = 10;

function messageXml(m: DeployMessage): XmlElement {
  return { ...m };
}

export class MetadataApi {
  private readonly deploys = new Map<string, DeployJob>();
  private readonly retrieves = new Map<string, RetrieveJob>();

  public constructor(
    private readonly registry: Registry,
    private readonly faults: Faults
  ) {}

  /** A short description of the call for the request log. */
  public static detail(req: SoapRequest): string | undefined {
    if (req.operation === 'readMetadata') return `${text(req.args.type) ?? ''}:${texts(req.args.fullNames).join(',')}`;
    if (req.operation === 'listMetadata') return objects(req.args.queries).map((q) => text(q.type)).join(',');
    return undefined;
  }

  public async handle(req: SoapRequest, org: OrgState, user: UserRecord, apiVersion: string): Promise<SimResponse> {
    const a = req.args;
    switch (req.operation) {
      case 'listMetadata':
        return this.listMetadata(org, a);
      case 'readMetadata':
        return this.readMetadata(org, a, Number.parseFloat(apiVersion));
      case 'deploy':
        return this.deploy(org, user, a, Number.parseFloat(apiVersion));
      case 'checkDeployStatus':
        return this.checkDeployStatus(org, text(a.asyncProcessId) ?? '', bool(a.includeDetails, false));
      case 'cancelDeploy':
        return this.cancelDeploy(org, user, text(a.id) ?? '');
      case 'retrieve':
        return this.retrieve(org, asObject(a.request), apiVersion);
      case 'checkRetrieveStatus':
        return this.checkRetrieveStatus(org, text(a.asyncProcessId) ?? '');
      case 'checkStatus':
        return this.checkStatus(org, text(a.asyncProcessId) ?? '');
      default:
        return soapFault('soapenv:Client', `No operation available for request {http://soap.sforce.com/2006/04/metadata}${req.operation}`);
    }
  }

  private listMetadata(org: OrgState, a: SoapObject): SimResponse {
    const queries = objects(a.queries);
    if (queries.length > MAX_LIST_QUERIES) return soapFault('sf:INVALID_QUERY', `INVALID_QUERY: Too many queries: ${queries.length}; the limit is ${MAX_LIST_QUERIES}`);
    const result: XmlValue[] = queries.flatMap((q) => org.componentsOf(text(q.type) ?? '').map((c) => ({ ...fileProperties(org, c, '') })));
    return soapResponse('listMetadata', result);
  }

  private readMetadata(org: OrgState, a: SoapObject, apiVersion: number): SimResponse {
    const args = a;
    const type = text(args.type) ?? '';
    const names = texts(args.fullNames);
    if (names.length > MAX_READ_NAMES) return soapFault('sf:LIMIT_EXCEEDED', `LIMIT_EXCEEDED: You can read at most ${MAX_READ_NAMES} components at a time; this request has ${names.length}`);
    const records: XmlValue[] = names.map((name) => {
      const c = org.component(type, name);
      return c ? { '@xsi:type': type, fullName: c.fullName, ...toXmlElement(type, valuesForRead(org, c, apiVersion)) } : null;
    });
    return soapResponse('readMetadata', { records });
  }

  private async deploy(org: OrgState, user: UserRecord, a: SoapObject, apiVersion: number): Promise<SimResponse> {
    const args = a;
    let files: DeployFiles;
    try {
      files = await readDeployZip(text(args.ZipFile) ?? '');
    } catch (e) {
      return soapFault('sf:UNKNOWN_EXCEPTION', `UNKNOWN_EXCEPTION: the zip file could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    const job: DeployJob = {
      id: this.registry.ids.id(KEY_PREFIX.DeployRequest),
      org,
      user,
      files,
      options: readDeployOptions(asObject(args.DeployOptions)),
      apiVersion,
      createdDate: new Date().toISOString(),
      state: 'Queued',
    };
    this.deploys.set(job.id, job);
    return soapResponse('deploy', { done: false, id: job.id, state: 'Queued' });
  }

  private deployJob(org: OrgState, id: string): DeployJob | undefined {
    const job = this.deploys.get(id);
    return job && job.org === org ? job : undefined;
  }

  private advance(job: DeployJob): void {
    if (job.state === 'Done' || job.state === 'Canceled') return;
    if (this.faults.deployInProgress) {
      job.state = 'InProgress';
      return;
    }
    const commitFailure = job.options.checkOnly ? undefined : (types: readonly string[]): string | undefined => this.faults.takeCommitFailure(types);
    job.outcome = new Deployment({ registry: this.registry, org: job.org, user: job.user, apiVersion: job.apiVersion }, job.files, job.options, commitFailure).run();
    job.state = 'Done';
    job.completedDate = new Date().toISOString();
  }

  private checkDeployStatus(org: OrgState, id: string, includeDetails: boolean): SimResponse {
    const job = this.deployJob(org, id);
    if (!job) return soapFault('sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid deploy id: ${id}`);
    this.advance(job);
    const o = job.outcome;
    const done = job.state === 'Done' || job.state === 'Canceled';
    const status = job.state === 'Done' && o ? o.status : job.state === 'Canceled' ? 'Canceled' : job.state;
    const userName = [job.user.firstName, job.user.lastName].filter((s) => s !== '').join(' ');
    const result: XmlElement = {
      ...(job.state === 'Canceled' ? { canceledBy: job.user.id, canceledByName: userName } : {}),
      checkOnly: job.options.checkOnly,
      completedDate: job.completedDate,
      createdBy: job.user.id,
      createdByName: userName,
      createdDate: job.createdDate,
      details: includeDetails ? { componentFailures: (o?.failures ?? []).map(messageXml), componentSuccesses: (o?.successes ?? []).map(messageXml) } : undefined,
      done,
      errorMessage: o?.errorMessage,
      errorStatusCode: o?.errorStatusCode,
      id: job.id,
      ignoreWarnings: job.options.ignoreWarnings,
      lastModifiedDate: job.completedDate ?? job.createdDate,
      numberComponentErrors: o?.numberComponentErrors ?? 0,
      numberComponentsDeployed: o?.numberComponentsDeployed ?? 0,
      numberComponentsTotal: o?.numberComponentsTotal ?? 0,
      numberTestErrors: 0,
      numberTestsCompleted: 0,
      numberTestsTotal: 0,
      rollbackOnError: job.options.rollbackOnError,
      runTestsEnabled: false,
      startDate: job.createdDate,
      status,
      success: done && (status === 'Succeeded' || status === 'SucceededPartial'),
    };
    return soapResponse('checkDeployStatus', result);
  }

  private cancelDeploy(org: OrgState, user: UserRecord, id: string): SimResponse {
    const job = this.deployJob(org, id);
    if (!job) return soapFault('sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid deploy id: ${id}`);
    if (job.state !== 'Done') {
      job.state = 'Canceled';
      job.user = user;
      job.completedDate = new Date().toISOString();
    }
    return soapResponse('cancelDeploy', { done: job.state === 'Canceled', id: job.id });
  }

  private retrieve(org: OrgState, request: SoapObject, apiVersion: string): SimResponse {
    const req = readRetrieveRequest(request, apiVersion);
    const job: RetrieveJob = { id: this.registry.ids.id(KEY_PREFIX.RetrieveRequest), org, outcome: runRetrieve(org, req) };
    job.outcome.catch(() => undefined);
    this.retrieves.set(job.id, job);
    return soapResponse('retrieve', { done: false, id: job.id, state: 'Queued' });
  }

  private async checkRetrieveStatus(org: OrgState, id: string): Promise<SimResponse> {
    const job = this.retrieves.get(id);
    if (!job || job.org !== org) return soapFault('sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid retrieve id: ${id}`);
    const o = await job.outcome;
    return soapResponse('checkRetrieveStatus', {
      done: true,
      fileProperties: o.fileProperties.map((p) => ({ ...p })),
      id: job.id,
      messages: o.messages.map((m) => ({ ...m })),
      status: 'Succeeded',
      success: true,
      zipFile: o.zipFile,
    });
  }

  private checkStatus(org: OrgState, id: string): SimResponse {
    const deploy = this.deployJob(org, id);
    if (deploy) {
      this.advance(deploy);
      const done = deploy.state === 'Done' || deploy.state === 'Canceled';
      return soapResponse('checkStatus', { done, id, state: done ? 'Completed' : deploy.state });
    }
    const retrieve = this.retrieves.get(id);
    if (retrieve && retrieve.org === org) return soapResponse('checkStatus', { done: true, id, state: 'Completed' });
    return soapFault('sf:INVALID_ID_FIELD', `INVALID_ID_FIELD: Invalid id: ${id}`);
  }
}
