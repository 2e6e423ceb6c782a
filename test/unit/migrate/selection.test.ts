import { expect } from 'chai';
import { assembleEcas } from '../../../src/domain/model.js';
import { enumValues } from '../../../src/domain/schema/index.js';
import {
  describeUnknownApps,
  DISTRIBUTION_STATE_ENUM,
  LOCAL_DISTRIBUTION_STATE,
  notMigratableReason,
  selectApps,
} from '../../../src/domain/migrate/selection.js';
import { fixtureComponent, fixtureComponents, INFORMATICA_RETRIEVED, LOOPBACK, PACKAGED_HEADER, withValues } from './helpers.js';

const MCP = 'awesomeandrey__minlopro-dx__MinloproSalesforceMcp.eca-meta.xml';

describe('migrate/selection: the apps to migrate', () => {
  const { ecas } = assembleEcas([...fixtureComponents(INFORMATICA_RETRIEVED), ...fixtureComponents(LOOPBACK), fixtureComponent(MCP), fixtureComponent(PACKAGED_HEADER)]);
  const names = (list: ReadonlyArray<{ name: string }>): string[] => list.map((e) => e.name);

  it('knows the local distribution state from the schema', () => {
    expect(enumValues(DISTRIBUTION_STATE_ENUM)).to.include(LOCAL_DISTRIBUTION_STATE).and.include.members(['Packaged', 'Managed', 'AutoInstalled']);
  });

  it('takes every local app with all, skipping the packaged one with a note', () => {
    const selection = selectApps(ecas, { all: true });
    expect(names(selection.selected)).to.deep.equal(['InformaticaCloud', 'MinloproSalesforceLoopback', 'MinloproSalesforceMcp']);
    expect(selection.skipped).to.deep.equal([
      {
        name: 'Field_Create_MDAPI',
        reason: 'Field_Create_MDAPI is Packaged (distributionState): a packaged app reaches other orgs through its package, not a metadata deploy.',
      },
    ]);
    expect(selection.unknown).to.deep.equal([]);
  });

  it('skips apps installed from a package, by namespace or manageable state', () => {
    const origins = new Map([
      ['MinloproSalesforceMcp', { namespacePrefix: 'mnl', manageableState: 'installed' }],
      ['InformaticaCloud', { manageableState: 'released' }],
      ['MinloproSalesforceLoopback', { manageableState: 'unmanaged' }],
    ]);
    const selection = selectApps(ecas, { all: true }, origins);
    expect(names(selection.selected)).to.deep.equal(['MinloproSalesforceLoopback']);
    expect(selection.skipped.map((s) => s.reason)).to.deep.equal([
      'Field_Create_MDAPI is Packaged (distributionState): a packaged app reaches other orgs through its package, not a metadata deploy.',
      'InformaticaCloud belongs to a package (manageableState released): install that package in the target instead.',
      'MinloproSalesforceMcp comes with the package of namespace "mnl": install that package in the target instead.',
    ]);
  });

  it('takes the named apps (without case), in the source order, each once', () => {
    const selection = selectApps(ecas, { names: ['minloprosalesforcemcp', 'InformaticaCloud', 'InformaticaCloud'] });
    expect(names(selection.selected)).to.deep.equal(['InformaticaCloud', 'MinloproSalesforceMcp']);
    expect(selection).to.deep.include({ skipped: [], refused: [], unknown: [] });
  });

  it('reports every unknown name at once, with close matches, and refuses a named packaged app', () => {
    const selection = selectApps(ecas, { names: ['InformaticaClod', 'Loopback', 'Field_Create_MDAPI', 'Nothing_Like_It', 'InformaticaCloud'] });
    expect(names(selection.selected)).to.deep.equal(['InformaticaCloud']);
    expect(selection.unknown).to.deep.equal([
      { name: 'InformaticaClod', suggestions: ['InformaticaCloud'] },
      { name: 'Loopback', suggestions: ['MinloproSalesforceLoopback'] },
      { name: 'Nothing_Like_It', suggestions: [] },
    ]);
    expect(names(selection.refused)).to.deep.equal(['Field_Create_MDAPI']);
    expect(describeUnknownApps(selection.unknown)).to.deep.equal([
      'Unknown app "InformaticaClod"; did you mean InformaticaCloud?',
      'Unknown app "Loopback"; did you mean MinloproSalesforceLoopback?',
      'Unknown app "Nothing_Like_It".',
    ]);
  });

  it('says why an app cannot be migrated', () => {
    const informatica = ecas.find((e) => e.name === 'InformaticaCloud')!;
    expect(notMigratableReason(informatica)).to.equal(undefined);
    expect(notMigratableReason(withValues(informatica, 'header', { distributionState: 'Managed' }))).to.contain('is Managed (distributionState)');
    expect(notMigratableReason({ name: 'Orphan', parts: {} })).to.equal("Orphan has no ExternalClientApplication header in the source org's retrieve.");
  });
});
