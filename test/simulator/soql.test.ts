/** The SOQL subset on its own: parsing, filtering, ordering and Salesforce's error wording. */
import { expect } from 'chai';
import { describeColumns, runSoql, SoqlError } from '../../simulator/soql.js';
import { Registry } from '../../simulator/store.js';
import { loadSeedFile, pickOrgs } from '../../simulator/seed.js';

describe('simulator: SOQL', () => {
  const registry = new Registry('https://127.0.0.1:1');
  const org = registry.addOrg(pickOrgs(loadSeedFile(), ['dev'])[0]);
  const names = (soql: string): unknown[] => runSoql(org, soql, '66.0').records.map((r) => r.Username ?? r.Name);

  it('filters with NOT IN, !=, null and NOT, and pages with LIMIT and OFFSET', () => {
    expect(names("SELECT Username FROM User WHERE Username NOT IN ('admin@dev.acme.example') AND IsActive != false ORDER BY Username")).to.deep.equal([
      'ci@dev.acme.example',
      'integration@dev.acme.example',
    ]);
    expect(names('SELECT Username FROM User WHERE FirstName = null ORDER BY Username LIMIT 2 OFFSET 1')).to.deep.equal(['former@dev.acme.example', 'integration@dev.acme.example']);
    expect(names("SELECT Name FROM Profile WHERE NOT (Name LIKE 'Minimum%') AND PermissionsApiUserOnly = true")).to.deep.equal(['Integration User']);
  });

  it('compares ids in 15 and 18 characters alike', () => {
    const admin = org.user('admin@dev.acme.example');
    expect(names(`SELECT Username FROM User WHERE Id = '${admin?.id.slice(0, 15) ?? ''}'`)).to.deep.equal(['admin@dev.acme.example']);
  });

  it('words errors as Salesforce does, with the query echoed and a caret', () => {
    try {
      runSoql(org, 'SELECT Id, Nope FROM Profile', '66.0');
      expect.fail('expected INVALID_FIELD');
    } catch (e) {
      expect(e).to.be.instanceOf(SoqlError);
      const err = e as SoqlError;
      expect(err.errorCode).to.equal('INVALID_FIELD');
      expect(err.message.split('\n').slice(1, 4)).to.deep.equal(['SELECT Id, Nope FROM Profile', '           ^', 'ERROR at Row:1:Column:12']);
    }
    expect(() => runSoql(org, 'SELECT Id FROM User WHERE', '66.0')).to.throw(SoqlError, /unexpected token: <EOF>/);
    expect(() => describeColumns('SELECT Id FROM Gizmo')).to.throw(SoqlError, /sObject type 'Gizmo' is not supported/);
  });
});
