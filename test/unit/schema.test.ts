import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  enumValues,
  fieldKind,
  fieldsOf,
  fieldSpec,
  LATEST_KNOWN_API_VERSION,
  parseApiVersion,
  typeSpec,
  WSDL_API_VERSION,
} from '../../src/domain/schema/index.js';
import { ECA_COMPONENTS, CONNECTED_APP, PERMISSION_SET, componentOfFile } from '../../src/domain/components.js';
import { ROOT } from '../helpers/paths.js';

describe('schema (field knowledge)', () => {
  it('is generated from the shared WSDL subset and up to date', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-schema.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).to.contain('up to date');
  });

  it('keeps WSDL sequence order, types and versions', () => {
    const names = fieldsOf('ExternalClientApplication').map((f) => f.name);
    expect(names).to.deep.equal([...names].sort());
    expect(names[0]).to.equal('contactEmail');
    expect(fieldSpec('ExtlClntAppGlobalOauthSettings', 'certificate')).to.include({ type: 'xsd:string', since: 60 });
    expect(fieldSpec('ExtlClntAppConfigurablePolicies', 'isEnabled')).to.include({ required: true });
    expect(fieldKind(fieldSpec('ExtlClntAppOauthConfigurablePolicies', 'permittedUsersPolicyType')!)).to.equal('enum');
    expect(fieldKind(fieldSpec('ExtlClntAppOauthSettings', 'trustedIpRanges')!)).to.equal('complex');
    expect(fieldSpec('ExtlClntAppOauthSettings', 'trustedIpRanges')!.list).to.equal(true);
  });

  it('filters fields by API version', () => {
    const at59 = fieldsOf('ExtlClntAppGlobalOauthSettings', 59).map((f) => f.name);
    expect(at59).to.include('isPkceRequired');
    expect(at59).not.to.include('certificate');
    expect(fieldsOf('ExtlClntAppGlobalOauthSettings', 66).map((f) => f.name)).not.to.include('isMtlsEnabled');
    expect(fieldsOf('ExtlClntAppGlobalOauthSettings', 67).map((f) => f.name)).to.include('isMtlsEnabled');
  });

  it('adds the API 67 fields @salesforce/types knows, and the OAuth security settings type', () => {
    expect(WSDL_API_VERSION).to.equal(66);
    expect(LATEST_KNOWN_API_VERSION).to.equal(67);
    expect(fieldSpec('ExtlClntAppGlobalOauthSettings', 'isEnforceRefreshTokenTTL')).to.include({ since: 67 });
    expect(typeSpec('ExtlClntAppOauthSecuritySettings')?.fields.map((f) => f.name)).to.include('tokenIpRanges');
    expect(enumValues('PolicyAction', 66)).to.deep.equal(['Block', 'RaiseSessionLevel']);
    expect(enumValues('PolicyAction', 67)).to.include('StepUpMFA');
  });

  it('adds the API 67 Connected App OAuth fields and scopes of @salesforce/types 1.9.0, from 67.0 only', () => {
    for (const field of ['isDeviceFlowEnabled', 'isDPopEnabled', 'isEnforceRefreshTokenTTL', 'isIpBindingEnabled', 'isPKImTLSEnabled']) {
      expect(fieldSpec('ConnectedAppOauthConfig', field), field).to.include({ type: 'xsd:boolean', since: 67, required: false, list: false });
      expect(fieldsOf('ConnectedAppOauthConfig', 66).map((f) => f.name)).not.to.include(field);
    }
    const names = fieldsOf('ConnectedAppOauthConfig').map((f) => f.name);
    expect(names).to.deep.equal([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const scope of ['DataCloudUserClaims', 'A2A', 'CmdbDiscovery', 'SemanticLayer']) {
      expect(enumValues('ConnectedAppOauthAccessScope', 67), scope).to.include(scope);
      expect(enumValues('ConnectedAppOauthAccessScope', 66), scope).not.to.include(scope);
    }
  });

  it('knows every field and enum value @salesforce/types 1.9.0 has for the types it holds', async () => {
    const dts = readFileSync(join(ROOT, 'node_modules', '@salesforce', 'types', 'lib', 'metadata.d.ts'), 'utf8');
    const { RAW_SCHEMA } = await import('../../src/domain/schema/schema.generated.js');
    const missing: string[] = [];
    for (const typeName of Object.keys(RAW_SCHEMA.types)) {
      const m = new RegExp(`export type ${typeName} = (?:Metadata & )?\\{([\\s\\S]*?)\\n\\};`).exec(dts);
      if (!m) continue; // types 1.9.0 lacks a few WSDL types (attest, sample)
      for (const [, field] of m[1].matchAll(/^\s+(\w+)\??:/gm)) {
        if (field !== 'fullName' && !fieldSpec(typeName, field)) missing.push(`${typeName}.${field}`);
      }
    }
    for (const enumName of Object.keys(RAW_SCHEMA.enums)) {
      const m = new RegExp(`export type ${enumName} = ([^;]+);`).exec(dts);
      if (!m) continue;
      for (const [, value] of m[1].matchAll(/'([^']+)'/g)) if (!enumValues(enumName).includes(value)) missing.push(`${enumName}:${value}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('parses API versions', () => {
    expect(parseApiVersion('66.0')).to.equal(66);
    expect(parseApiVersion('62')).to.equal(62);
    expect(parseApiVersion('v62')).to.equal(undefined);
  });
});

describe('ECA components', () => {
  const registry = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@salesforce', 'source-deploy-retrieve', 'lib', 'src', 'registry', 'metadataRegistry.json'), 'utf8')
  ) as { types: Record<string, { name: string; suffix: string; directoryName: string }> };

  for (const c of [...ECA_COMPONENTS, CONNECTED_APP, PERMISSION_SET]) {
    it(`${c.type}: suffix and folder agree with SDR's registry`, () => {
      const entry = registry.types[c.type.toLowerCase()];
      expect(entry, `${c.type} in SDR registry`).to.not.equal(undefined);
      expect(entry.suffix).to.equal(c.suffix);
      expect(entry.directoryName).to.equal(c.directory);
    });
  }

  it('tells a component from its file name, source or MDAPI', () => {
    expect(componentOfFile('force-app/main/default/extlClntAppOauthPolicies/A_oauthPlcy.ecaOauthPlcy-meta.xml')).to.deep.include({
      fullName: 'A_oauthPlcy',
      format: 'source',
    });
    expect(componentOfFile('connectedApps/Foo.connectedApp')?.kind.type).to.equal('ConnectedApp');
    expect(componentOfFile('classes/Foo.cls-meta.xml')).to.equal(undefined);
  });
});
