/** SOQL on its own: Salesforce's grammar (maintained parser), filtering, ordering and Salesforce's error wording. */
import { expect } from 'chai';
import { describeColumns, runSoql, SoqlError, SoqlNotSimulated } from '../../simulator/soql.js';
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

  const malformed = (soql: string): string => {
    try {
      runSoql(org, soql, '66.0');
    } catch (e) {
      expect(e, soql).to.be.instanceOf(SoqlError);
      expect((e as SoqlError).errorCode).to.equal('MALFORMED_QUERY');
      return (e as SoqlError).message;
    }
    throw new Error(`accepted: ${soql}`);
  };

  it('accepts what the SOQL grammar accepts: escapes, nested parentheses, date literals, NULLS FIRST, COUNT(field)', () => {
    expect(names("SELECT Username FROM User WHERE (Username LIKE 'ci%' OR (Username = 'admin@dev.acme.example' AND IsActive = true)) ORDER BY Username")).to.deep.equal([
      'admin@dev.acme.example',
      'ci@dev.acme.example',
    ]);
    expect(names("SELECT Name FROM Profile WHERE Name = 'It\\'s not here'")).to.deep.equal([]);
    expect(names('SELECT Username FROM User WHERE CreatedDate = LAST_N_DAYS:1 AND CreatedDate < TOMORROW ORDER BY Username LIMIT 1')).to.deep.equal(['admin@dev.acme.example']);
    expect(names('SELECT Username FROM User WHERE CreatedDate < 2000-01-01T00:00:00Z')).to.deep.equal([]);
    expect(names('SELECT Username, FirstName FROM User ORDER BY FirstName ASC NULLS FIRST, Username LIMIT 1')[0]).to.be.a('string');
    const counted = runSoql(org, 'SELECT COUNT(FirstName) FROM User', '66.0');
    expect(counted.records[0]).to.deep.include({ attributes: { type: 'AggregateResult' } });
    expect(counted.records[0].expr0).to.be.a('number');
  });

  it('refuses what the grammar refuses, with the caret under the token the parser stopped at', () => {
    expect(malformed('SELECT Id, FROM User').split('\n').slice(1, 4)).to.deep.equal(['SELECT Id, FROM User', '           ^', 'ERROR at Row:1:Column:12']);
    expect(malformed('SELEC Id FROM User')).to.contain('ERROR at Row:1:Column:1\n');
    expect(malformed("SELECT Id FROM User WHERE Name = 'open")).to.contain('ERROR at Row:1:Column:34');
    expect(malformed('SELECT Id FROM User LIMIT x')).to.contain("unexpected token: 'x'");
    expect(malformed('SELECT Id FROM User WHERE Name = ')).to.contain('unexpected token: <EOF>');
  });

  it('says so when the grammar accepts a query the simulator does not evaluate (never MALFORMED_QUERY)', () => {
    expect(() => runSoql(org, 'SELECT ProfileId, COUNT(Id) FROM User GROUP BY ROLLUP(ProfileId)', '66.0')).to.throw(SoqlNotSimulated, /ROLLUP/);
    expect(() => runSoql(org, 'SELECT Id, (SELECT Id FROM PermissionSetAssignments) FROM User', '66.0')).to.throw(SoqlNotSimulated, /subqueries/);
  });
});
