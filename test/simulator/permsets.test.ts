/**
 * Least privilege for a JWT app (issue 16, jwt-ci): a PermissionSet deployed with the app, assigned
 * to the CI user the way @salesforce/core (`sf org assign permset`) does or with one sObject
 * Collections request, and OAuth pre-authorization through commaSeparatedPermissionSet that then
 * admits exactly the assigned users.
 */
import type { Connection } from '@salesforce/core';
import { Org, PermissionSetAssignment } from '@salesforce/core';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { generate } from 'selfsigned';
import { JWT_BEARER_GRANT } from '../../simulator/oauth.js';
import { deploySource, type Harness, oauthEca, removeDir, startHarness, writeSourceProject } from './harness.js';

const PERMSET = `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>Pre-authorizes the Acme_CI app for its CI user</description>
    <hasActivationRequired>false</hasActivationRequired>
    <label>Acme CI Access</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
`;

describe('simulator: permission sets for least privilege', function () {
  this.timeout(30_000);
  let h: Harness;
  let dev: Connection;
  let privateKey: string;
  const dirs: string[] = [];

  const jwtLogin = async (username: string): Promise<Record<string, string>> => {
    const key = h.sim.org('dev').credentials.get('eca:Acme_CI')?.consumerKey ?? '';
    const assertion = jwt.sign({ iss: key, sub: username, aud: 'https://login.salesforce.com' }, privateKey, { algorithm: 'RS256', expiresIn: 180 });
    const res = await fetch(`${h.sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
    });
    return (await res.json()) as Record<string, string>;
  };

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'ci' }], { keySize: 2048 });
    privateKey = pems.private;
    h = await startHarness({ orgs: ['dev'] });
    dev = await h.connection('dev');
    const dir = writeSourceProject(oauthEca('Acme_CI', { certificate: pems.cert, permissionSets: 'Acme_CI_Access' }), { 'permissionsets/Acme_CI_Access.permissionset-meta.xml': PERMSET });
    dirs.push(dir);
    const result = await deploySource(dev, dir);
    expect(result.response.status, JSON.stringify(result.response.details)).to.equal('Succeeded');
  });
  after(async () => {
    dirs.forEach(removeDir);
    await h.close();
  });

  it('deploys the permission set with the app that pre-authorizes it, and SOQL sees it', async () => {
    const ps = await dev.singleRecordQuery<{ Id: string; Name: string; Label: string; PermissionsApiEnabled: boolean; PermissionsModifyAllData: boolean }>(
      "SELECT Id, Name, Label, PermissionsApiEnabled, PermissionsModifyAllData FROM PermissionSet WHERE Name = 'Acme_CI_Access'"
    );
    expect(ps).to.include({ Name: 'Acme_CI_Access', Label: 'Acme CI Access', PermissionsApiEnabled: true, PermissionsModifyAllData: false });
    const access = await dev.query<{ SetupEntityType: string }>(`SELECT SetupEntityType FROM SetupEntityAccess WHERE ParentId = '${ps.Id}'`);
    expect(access.records.map((r) => r.SetupEntityType)).to.deep.equal(['ExternalClientApplication']);
  });

  it('refuses the JWT login of a user without the permission set, and admits them once assigned as `sf org assign permset` does', async () => {
    expect(await jwtLogin('ci@dev.acme.example')).to.deep.equal({ error: 'invalid_app_access', error_description: 'user is not admin approved to access this app' });
    const org = await Org.create({ aliasOrUsername: 'dev' });
    const ci = h.sim.org('dev').user('ci@dev.acme.example');
    h.sim.resetLog();
    await (await PermissionSetAssignment.init(org)).create(ci?.id ?? '', 'Acme_CI_Access');
    expect(h.sim.requests.map((r) => `${r.method} ${r.endpoint} ${r.status}`)).to.deep.equal(['GET rest:query 200', 'POST rest:sobject 201']);
    expect((await jwtLogin('ci@dev.acme.example')).access_token).to.match(/^00D/);
    // the profile-mates of the CI user are not admitted
    expect((await jwtLogin('former@dev.acme.example')).error).to.match(/invalid_app_access|invalid_grant/);
    expect((await jwtLogin('integration@dev.acme.example')).error).to.equal('invalid_app_access');
    // assigning twice: DUPLICATE_VALUE, in the words scripts match
    let dup: { message?: string } = {};
    try {
      await (await PermissionSetAssignment.init(org)).create(ci?.id ?? '', 'Acme_CI_Access');
    } catch (e) {
      dup = e as typeof dup;
    }
    expect(dup.message).to.contain('Duplicate PermissionSetAssignment');
  });

  it('assigns several users in one sObject Collections request, all or none', async () => {
    const org = h.sim.org('dev');
    const psId = org.permissionSet('Acme_CI_Access')?.id ?? '';
    const admin = org.user('admin@dev.acme.example')?.id ?? '';
    const integration = org.user('integration@dev.acme.example')?.id ?? '';
    const ci = org.user('ci@dev.acme.example')?.id ?? '';
    const records = (ids: string[]): unknown[] => ids.map((AssigneeId) => ({ attributes: { type: 'PermissionSetAssignment' }, AssigneeId, PermissionSetId: psId }));
    const rolledBack = (await dev.request({ method: 'POST', url: '/services/data/v66.0/composite/sobjects', body: JSON.stringify({ allOrNone: true, records: records([admin, ci]) }) })) as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    expect(rolledBack.map((r) => [r.success, r.errors[0]?.statusCode])).to.deep.equal([
      [false, 'ALL_OR_NONE_OPERATION_ROLLED_BACK'],
      [false, 'DUPLICATE_VALUE'],
    ]);
    expect(org.user('admin@dev.acme.example')?.permissionSetIds).not.to.include(psId);
    h.sim.resetLog();
    const done = (await dev.request({ method: 'POST', url: '/services/data/v66.0/composite/sobjects', body: JSON.stringify({ allOrNone: true, records: records([admin, integration]) }) })) as Array<{ success: boolean; id: string }>;
    expect(done.map((r) => r.success)).to.deep.equal([true, true]);
    expect(h.sim.count('rest:composite')).to.equal(1);
    expect((await jwtLogin('integration@dev.acme.example')).access_token).to.match(/^00D/);
    // and unassigned again by id
    await dev.request({ method: 'DELETE', url: `/services/data/v66.0/sobjects/PermissionSetAssignment/${done[1].id}` });
    expect((await jwtLogin('integration@dev.acme.example')).error).to.equal('invalid_app_access');
  });

  it('refuses a policy that names a permission set the org and the deploy lack', async () => {
    const dir = writeSourceProject(oauthEca('Acme_Other', { permissionSets: 'No_Such_Set' }));
    dirs.push(dir);
    const result = await deploySource(dev, dir);
    expect(result.response.status).to.equal('Failed');
    expect(JSON.stringify(result.response.details)).to.contain('no PermissionSet named No_Such_Set found');
  });
});
