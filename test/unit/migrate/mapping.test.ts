import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import {
  AmbiguousTargetError,
  API_NAME_PATTERN,
  certificateFiles,
  EMPTY_MAPPING,
  formatMappingError,
  hasUrlPrefix,
  mappedName,
  type MigrationMapping,
  NOT_BLANK_PATTERN,
  PRIVATE_KEY_PATTERN,
  PROFILE_NAME_PATTERN,
  resolveMapping,
  rewriteUrl,
  TARGET_KEY_PATTERN,
  unmatchedAppSettings,
  URL_PATTERN,
  USERNAME_MAX_LENGTH,
  USERNAME_PATTERN,
} from '../../../src/domain/migrate/mapping.js';
import { validateMappingFile as validateMapping } from '../../../src/shared/jsonSchema.js';

const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../../schemas/eca-migrate-mapping.json');
type Def = { pattern?: string; maxLength?: number };
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
  $schema: string;
  definitions: Record<string, Def & { properties?: Record<string, Def & { not?: Def }> }>;
  properties: { targets: { propertyNames: Def } };
};

const MAPPING: MigrationMapping = {
  $schema: '../schemas/eca-migrate-mapping.json',
  default: {
    users: { 'int@dev.acme': 'int@uat.acme' },
    profiles: { 'Dev Integration': 'Integration' },
    urlPrefixes: { 'https://dev.acme.example': 'https://uat.acme.example', 'https://dev.acme.example/api': 'https://api.acme.example' },
    apps: { Acme_CI: { label: 'Acme CI (test)', certificate: 'certs/test.crt' } },
  },
  targets: {
    prod: {
      users: { 'INT@dev.acme': 'int@acme' },
      permissionSets: { Acme_API_Dev: 'Acme_API' },
      callbackUrls: { 'http://localhost:1717/OauthRedirect': null, 'https://dev.acme.example/cb': 'https://login.acme.example/cb' },
      urlPrefixes: { 'https://dev.acme.example': 'https://acme.example' },
      apps: { acme_ci: { certificate: 'certs/prod.crt', contactEmail: 'ops@acme.example' }, Other_App: { certificate: 'certs/other.crt' } },
    },
    'admin@acme.example': {},
  },
};

describe('migrate/mapping: the mapping file', () => {
  describe('validateMapping', () => {
    it('accepts a complete mapping, and an empty one', async () => {
      expect(await validateMapping(MAPPING)).to.deep.equal({ ok: true, mapping: MAPPING });
      expect(await validateMapping({})).to.deep.equal({ ok: true, mapping: {} });
    });

    it('names every problem by JSON Pointer, precisely', async () => {
      const result = await validateMapping({
        $schema: 3,
        defaults: {},
        default: {
          user: {},
          users: { 'int@dev.acme': 'int@acme', 'Int@Dev.Acme': 'other@acme', 'not a user': 'x@acme', 'svc@dev.acme': 'svc' },
          profiles: { 'Sales, EMEA': 'Sales', ' Padded': 'Padded', Custom: '' },
          permissionSets: { 'Acme API': 'Acme_API', Acme_API_: 'Acme_API', ns__Acme: 'ns__Acme', a__b__c: 'Acme', Acme_Dev: 7, acme_dev: 'Acme' },
          callbackUrls: { 'https://dev.acme.example/cb': null, 'dev.acme.example/cb': 'https://acme.example/cb', 'https://x.example/a b': 'https://acme.example/cb' },
          urlPrefixes: { 'https://dev.acme.example': null },
          apps: {
            Acme_CI: { certificate: '-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----', labl: 'x', contactEmail: 'ops' },
            'Acme CI': {},
            ACME_ci: { label: ' ' },
          },
        },
        targets: { prod: 'users', 'my prod': {}, 'Admin@Acme.example': {}, 'admin@acme.example': { profiles: [] } },
      });
      expect(result.ok).to.equal(false);
      const errors = result.ok ? [] : result.errors.map(formatMappingError);
      expect(errors).to.have.members([
        '/defaults: unknown property "defaults"; did you mean "default"? (allowed: $schema, default, targets)',
        '/$schema: must be a string, not number',
        '/default/user: unknown property "user"; did you mean "users"? (allowed: users, profiles, permissionSets, callbackUrls, urlPrefixes, apps)',
        '/default/users/Int@Dev.Acme: maps the same user as "int@dev.acme": user names are not case-sensitive',
        '/default/users/not a user: "not a user" is not a username: Salesforce usernames are written like email addresses (name@domain), without spaces',
        '/default/users/svc@dev.acme: maps to "svc", which is not a username: Salesforce usernames are written like email addresses (name@domain), without spaces',
        '/default/profiles/Sales, EMEA: "Sales, EMEA" holds a comma: commaSeparatedProfile separates profile names with commas, so a name cannot contain one',
        '/default/profiles/ Padded: " Padded" begins or ends with a space',
        '/default/profiles/Custom: maps to "", which is empty',
        '/default/permissionSets/Acme API: "Acme API" is not a permission set API name (labels are not accepted): it may contain only letters, digits and underscores',
        '/default/permissionSets/Acme_API_: "Acme_API_" is not a permission set API name (labels are not accepted): it must not end with an underscore',
        '/default/permissionSets/a__b__c: "a__b__c" is not a permission set API name: two consecutive underscores may only follow a namespace prefix',
        '/default/permissionSets/Acme_Dev: must be a string, not number',
        '/default/permissionSets/acme_dev: maps the same permission set as "Acme_Dev": permission set names are not case-sensitive',
        '/default/callbackUrls/dev.acme.example~1cb: "dev.acme.example/cb" is not an absolute URL: write it with its scheme, as in https://acme.example/callback',
        '/default/callbackUrls/https:~1~1x.example~1a b: "https://x.example/a b" holds a space or a line break: URLs are written one a line, without spaces',
        '/default/urlPrefixes/https:~1~1dev.acme.example: must be a string, not null',
        '/default/apps/Acme_CI/labl: unknown property "labl"; did you mean "label"? (allowed: certificate, label, contactEmail)',
        '/default/apps/Acme_CI/certificate: "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----" is a private key: give the certificate (public part) only; the private key never goes into an app',
        '/default/apps/Acme_CI/contactEmail: "ops" is not an email address (name@domain)',
        '/default/apps/Acme CI: "Acme CI" is not an app developer name: it may contain only letters, digits and underscores',
        '/default/apps/ACME_ci: maps the same app as "Acme_CI": app names are not case-sensitive',
        '/default/apps/ACME_ci/label: " " is empty',
        '/targets/prod: must be an object, not string',
        '/targets/my prod: "my prod" is not an org alias or username: it is empty or holds a space',
        '/targets/admin@acme.example: names the same org as "Admin@Acme.example": usernames are not case-sensitive',
        '/targets/admin@acme.example/profiles: must be an object of profile mappings, not array',
      ]);
    });

    it('takes the same document written in YAML, null dropping a callback URL', async () => {
      const yaml = [
        '$schema: ../schemas/eca-migrate-mapping.json',
        'targets:',
        '  prod:',
        '    users:',
        '      int@dev.acme: int@acme',
        '    callbackUrls:',
        '      http://localhost:1717/OauthRedirect: ~',
        '    apps:',
        '      Acme_CI:',
        '        certificate: certs/prod.crt',
      ].join('\n');
      const result = await validateMapping(parseYaml(yaml));
      expect(result.ok).to.equal(true);
      expect(resolveMapping(result.ok ? result.mapping : undefined, 'prod').callbackUrls).to.deep.equal([
        { from: 'http://localhost:1717/OauthRedirect', to: null, source: '/targets/prod/callbackUrls' },
      ]);
    });

    it('gives the line of each problem in a YAML file', async () => {
      const yaml = ['targets:', '  prod:', '    users:', '      int@dev.acme: int', '    profile: {}'].join('\n');
      const result = await validateMapping(parseYaml(yaml), yaml);
      expect(result.ok ? [] : result.errors.map(formatMappingError)).to.have.members([
        '/targets/prod/users/int@dev.acme (line 4): maps to "int", which is not a username: Salesforce usernames are written like email addresses (name@domain), without spaces',
        '/targets/prod/profile (line 5): unknown property "profile"; did you mean "profiles"? (allowed: users, profiles, permissionSets, callbackUrls, urlPrefixes, apps)',
      ]);
    });

    it('rejects a document that is not an object', async () => {
      expect(await validateMapping(['prod'])).to.deep.equal({ ok: false, errors: [{ path: '', message: 'the mapping must be an object, not array' }] });
      expect(formatMappingError({ path: '', message: 'x' })).to.equal('(root): x');
    });

    it('accepts namespaced permission sets and long but valid usernames', async () => {
      const user = `${'a'.repeat(USERNAME_MAX_LENGTH - 6)}@ac.me`;
      expect((await validateMapping({ default: { permissionSets: { ns__Acme_API: 'Acme_API' }, users: { [user]: 'b@c' } } })).ok).to.equal(true);
      expect((await validateMapping({ default: { users: { [`x${user}`]: 'b@c' } } })).ok).to.equal(false);
    });
  });

  describe('the JSON Schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);

    it('is draft-07 and uses the validator’s own patterns', () => {
      expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
      const d = schema.definitions;
      expect(d.username.pattern).to.equal(USERNAME_PATTERN.source);
      expect(d.username.maxLength).to.equal(USERNAME_MAX_LENGTH);
      expect(d.profileName.pattern).to.equal(PROFILE_NAME_PATTERN.source);
      expect(d.permissionSetName.pattern).to.equal(API_NAME_PATTERN.source);
      expect(d.url.pattern).to.equal(URL_PATTERN.source);
      expect(schema.properties.targets.propertyNames.pattern).to.equal(TARGET_KEY_PATTERN.source);
      expect(d.appSettings.properties?.certificate.pattern).to.equal(NOT_BLANK_PATTERN.source);
      expect(d.appSettings.properties?.certificate.not?.pattern).to.equal(PRIVATE_KEY_PATTERN.source);
      expect(d.appSettings.properties?.contactEmail.pattern).to.equal(USERNAME_PATTERN.source);
    });

    it('agrees with validateMapping on valid and invalid mappings', async () => {
      const samples: unknown[] = [
        {},
        MAPPING,
        { $schema: 'x', default: {}, targets: {} },
        { default: { permissionSets: { ns__Acme: 'Acme', A1: 'B_2' } } },
        { default: { profiles: { 'Custom: Sales & Marketing (EMEA)': 'Sales' } } },
        { default: { callbackUrls: { 'sfdc://success': 'myapp:/cb' } } },
        { default: { apps: { A: {} } } },
        { default: { apps: { A: { certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } } } },
        [],
        'x',
        { other: {} },
        { default: { groups: {} } },
        { default: { users: { 'a@b': 'c' } } },
        { default: { users: { a: 'c@d' } } },
        { default: { users: { 'a@b': null } } },
        { default: { users: { [`${'a'.repeat(80)}@b`]: 'c@d' } } },
        { default: { profiles: { 'A,B': 'C' } } },
        { default: { profiles: { A: ' C' } } },
        { default: { profiles: { A: 'C\nD' } } },
        { default: { permissionSets: { 'My Label': 'A' } } },
        { default: { permissionSets: { A__: 'B' } } },
        { default: { permissionSets: { a__b__c: 'B' } } },
        { default: { permissionSets: { abcdefghijklmnop__X: 'B' } } },
        { default: { permissionSets: { A: `A${'b'.repeat(80)}` } } },
        { default: { permissionSets: { _A: 'B' } } },
        { default: { callbackUrls: { '/cb': 'https://a' } } },
        { default: { callbackUrls: { 'https://a': 'https://b c' } } },
        { default: { urlPrefixes: { 'https://a': null } } },
        { default: { apps: { 'A-B': {} } } },
        { default: { apps: { A_: {} } } },
        { default: { apps: { A: { certificate: '' } } } },
        { default: { apps: { A: { certificate: '-----BEGIN RSA PRIVATE KEY-----' } } } },
        { default: { apps: { A: { contactEmail: 'ops' } } } },
        { default: { apps: { A: { label: '' } } } },
        { default: { apps: { A: { owner: 'x' } } } },
        { default: { apps: { A: 'x' } } },
        { targets: { 'my org': {} } },
        { targets: { prod: [] } },
        { targets: { prod: { users: { 'a@b': 'c@d' } } } },
      ];
      for (const sample of samples) {
        expect((await validateMapping(sample)).ok, JSON.stringify(sample)).to.equal(validate(sample));
      }
    });

    it('leaves to the validator what JSON Schema cannot say: names that differ only in case', async () => {
      const samples = [
        { default: { users: { 'a@b': 'c@d', 'A@B': 'e@f' } } },
        { default: { apps: { Acme: {}, ACME: {} } } },
        { targets: { 'a@b': {}, 'A@b': {} } },
      ];
      for (const sample of samples) {
        expect(validate(sample), JSON.stringify(sample)).to.equal(true);
        expect((await validateMapping(sample)).ok, JSON.stringify(sample)).to.equal(false);
      }
    });
  });

  describe('resolveMapping', () => {
    it('merges default and the target, the target winning entry by entry (without case for names)', () => {
      const prod = resolveMapping(MAPPING, 'prod');
      expect(prod.target).to.equal('prod');
      expect(prod.users).to.deep.equal([{ from: 'INT@dev.acme', to: 'int@acme', source: '/targets/prod/users' }]);
      expect(prod.profiles).to.deep.equal([{ from: 'Dev Integration', to: 'Integration', source: '/default/profiles' }]);
      expect(prod.permissionSets).to.deep.equal([{ from: 'Acme_API_Dev', to: 'Acme_API', source: '/targets/prod/permissionSets' }]);
      expect(prod.callbackUrls.map((e) => [e.from, e.to])).to.deep.equal([
        ['http://localhost:1717/OauthRedirect', null],
        ['https://dev.acme.example/cb', 'https://login.acme.example/cb'],
      ]);
      expect(prod.urlPrefixes).to.deep.equal([
        { from: 'https://dev.acme.example/api', to: 'https://api.acme.example', source: '/default/urlPrefixes' },
        { from: 'https://dev.acme.example', to: 'https://acme.example', source: '/targets/prod/urlPrefixes' },
      ]);
      expect(prod.apps).to.deep.equal([
        { app: 'Acme_CI', name: 'label', value: 'Acme CI (test)', source: '/default/apps/Acme_CI' },
        { app: 'acme_ci', name: 'certificate', value: 'certs/prod.crt', source: '/targets/prod/apps/acme_ci' },
        { app: 'acme_ci', name: 'contactEmail', value: 'ops@acme.example', source: '/targets/prod/apps/acme_ci' },
        { app: 'Other_App', name: 'certificate', value: 'certs/other.crt', source: '/targets/prod/apps/Other_App' },
      ]);
    });

    it('falls back to default for a target without a section, and to nothing without a mapping', () => {
      const uat = resolveMapping(MAPPING, 'uat');
      expect(uat.target).to.equal(undefined);
      expect(uat.users.map((e) => e.to)).to.deep.equal(['int@uat.acme']);
      expect(resolveMapping(undefined, 'uat')).to.deep.equal(EMPTY_MAPPING);
    });

    it('finds a section by username (without case) or alias, and refuses two sections for one org', () => {
      expect(resolveMapping(MAPPING, 'ADMIN@acme.example').target).to.equal('admin@acme.example');
      expect(resolveMapping(MAPPING, { username: 'someone@acme.example', aliases: ['prod'] }).target).to.equal('prod');
      expect(() => resolveMapping(MAPPING, { username: 'admin@acme.example', aliases: ['prod'] }))
        .to.throw(AmbiguousTargetError, 'The mapping has sections for the same org under "prod" and "admin@acme.example"; keep one.')
        .with.property('sections')
        .that.deep.equals(['prod', 'admin@acme.example']);
    });

    it('lists the certificate files the command must read, for the apps migrated', () => {
      const prod = resolveMapping(MAPPING, 'prod');
      expect(certificateFiles(prod)).to.deep.equal(['certs/other.crt', 'certs/prod.crt']);
      expect(certificateFiles(prod, ['ACME_CI'])).to.deep.equal(['certs/prod.crt']);
      expect(certificateFiles(resolveMapping(MAPPING, 'uat'), ['Acme_CI'])).to.deep.equal(['certs/test.crt']);
      const inline = resolveMapping({ default: { apps: { A: { certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } } } }, 'x');
      expect(certificateFiles(inline)).to.deep.equal([]);
      expect(unmatchedAppSettings(prod, ['Acme_CI']).map((s) => s.app)).to.deep.equal(['Other_App']);
    });
  });

  describe('lookups', () => {
    it('maps names without case', () => {
      expect(mappedName(resolveMapping(MAPPING, 'prod').users, 'int@DEV.acme')?.to).to.equal('int@acme');
      expect(mappedName(resolveMapping(MAPPING, 'prod').users, 'int@dev.acme.org')).to.equal(undefined);
    });

    it('rewrites URL prefixes at a boundary only, the longest first', () => {
      const prod = resolveMapping(MAPPING, 'prod');
      expect(rewriteUrl(prod, 'https://dev.acme.example/oauth/cb')?.url).to.equal('https://acme.example/oauth/cb');
      expect(rewriteUrl(prod, 'https://dev.acme.example/api/v1')?.url).to.equal('https://api.acme.example/v1');
      expect(rewriteUrl(prod, 'https://dev.acme.example')?.url).to.equal('https://acme.example');
      expect(rewriteUrl(prod, 'https://dev.acme.example?x=1')?.url).to.equal('https://acme.example?x=1');
      expect(rewriteUrl(prod, 'https://dev.acme.example.org/cb')).to.equal(undefined);
      expect(rewriteUrl(prod, 'https://dev.acme.example:8443/cb')).to.equal(undefined);
      expect(hasUrlPrefix('https://a.example/x', 'https://a.example/')).to.equal(true);
      expect(hasUrlPrefix('https://a.example/apis', 'https://a.example/api')).to.equal(false);
    });
  });
});
