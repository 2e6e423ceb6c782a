// eslint 8 + eslint-plugin-sf-plugin (the rules Salesforce applies to sf plugins: flags, messages,
// results, no process.exit, ...). The plugin's current release on this registry is for eslint 8.
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
  },
  overrides: [{ files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } }],
};
