// eslint 8 + eslint-plugin-sf-plugin (the rules Salesforce applies to sf plugins: flags, messages,
// results, no process.exit, ...). The plugin's current release on this registry is for eslint 8.
//
// The floors enforce themselves (README, "How the code is laid out"):
//   src/commands -> src/operations -> src/org | src/domain;  src/shared is plumbing for both upper floors.
// ESLint does not merge one rule's options across overrides (the last matching override wins), so
// each floor below lists everything it may not import.

/** Only src/org talks to an org: SDR, jsforce and the CLI's Org/Connection classes. */
const orgApis = {
  group: ['@salesforce/source-deploy-retrieve', '@salesforce/source-deploy-retrieve/*', 'jsforce', 'jsforce/*', '@jsforce/*'],
  message: 'Only src/org talks to an org (SDR, jsforce): go through src/org/session.ts.',
};
const io = {
  group: ['fs', 'fs/*', 'node:fs', 'node:fs/*', 'http', 'https', 'node:http', 'node:https', 'net', 'node:net', 'tls', 'node:tls', 'child_process', 'node:child_process'],
  message: 'src/domain is pure: no file, network or process I/O.',
};
const sf = {
  group: ['@salesforce/core', '@salesforce/core/*', '@salesforce/sf-plugins-core', '@oclif/*'],
  message: 'src/domain knows nothing of sf: no @salesforce/core, sf-plugins-core or oclif.',
};
const upperFloors = {
  group: ['**/org/*', '**/shared/*', '**/operations/*', '**/commands/*'],
  message: 'src/domain imports only src/domain.',
};
const commandLayer = {
  group: ['@salesforce/sf-plugins-core', '@oclif/*', '**/commands/*'],
  message: 'src/operations does not know about commands, flags or how progress is shown (no sf-plugins-core, no oclif).',
};
const noSrcInSimulator = { group: ['**/src/*', '../src/**'], message: 'The simulator is a witness: it imports nothing from src/.' };

// Code that must never sit outside src/org: SOQL and opening orgs by hand.
const orgOnlySyntax = [
  { selector: "Literal[value=/^\\s*SELECT\\s/i]", message: 'SOQL lives in src/org.' },
  { selector: "TemplateElement[value.raw=/^\\s*SELECT\\s/i]", message: 'SOQL lives in src/org.' },
  { selector: "CallExpression[callee.object.name='Org'][callee.property.name='create']", message: 'Open orgs with src/org/session.ts (openSession).' },
];

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { project: ['./tsconfig.json', './test/tsconfig.json'], tsconfigRootDir: __dirname, sourceType: 'module' },
  plugins: ['@typescript-eslint', 'sf-plugin'],
  extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended', 'plugin:sf-plugin/recommended'],
  ignorePatterns: ['lib/', 'node_modules/', 'src/domain/schema/schema.generated.ts', '*.cjs', '*.mjs', 'bin/'],
  rules: {
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/no-non-null-assertion': 'off',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
  },
  overrides: [
    { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
    {
      files: ['src/**/*.ts'],
      excludedFiles: ['src/org/**'],
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', { patterns: [orgApis] }],
        'no-restricted-syntax': ['error', ...orgOnlySyntax],
      },
    },
    {
      // commands: flags, one lazy import() of their operation, progress and rendering. Their
      // module-level imports load with --help, so heavy modules come only through import().
      files: ['src/commands/**/*.ts'],
      rules: {
        // every command extends EcaCommand (src/shared/ecaCommand.ts), which adds no flags: SfCommand's
        // own (--json, --flags-dir) are its baseFlags and are inherited as they are
        'sf-plugin/only-extend-SfCommand': 'off',
        'sf-plugin/spread-base-flags': 'off',
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              orgApis,
              { group: ['**/org/*'], message: 'Commands reach an org through their operation.' },
              { group: ['**/operations/*', '**/shared/progress.js', '**/shared/jsonSchema.js'], allowTypeImports: true, message: 'Import operations and progress lazily: await import(...) inside run().' },
              { group: ['@oclif/multi-stage-output', 'jszip', 'ajv', 'ajv-formats', 'yaml', 'diff'], message: 'Heavy modules load lazily (inside run()), never with --help.' },
            ],
          },
        ],
        'no-restricted-syntax': [
          'error',
          ...orgOnlySyntax,
          ...['ImportDeclaration', 'ImportExpression', 'ExportNamedDeclaration', 'ExportAllDeclaration'].map((node) => ({
            // a relative path that does not lead into shared/, domain/ or operations/ is another command
            selector: `${node}[source.value=/^\\.\\.?\\/(?!(\\.\\.\\/)*(shared|domain|operations)\\/)/]`,
            message: 'A command never imports another command: share through an operation.',
          })),
        ],
      },
    },
    {
      files: ['src/operations/**/*.ts'],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [orgApis, commandLayer] }] },
    },
    {
      files: ['src/domain/**/*.ts'],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [orgApis, io, sf, upperFloors] }] },
    },
    {
      files: ['simulator/**/*.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSrcInSimulator] }],
      },
    },
  ],
};
