import { stripVTControlCharacters } from 'node:util';
import { ux } from '@oclif/core';
import { expect } from 'chai';
import { plainJson } from '../../../src/shared/plainJson.js';

describe('the --json text without colorizeJson', () => {
  const answer = {
    status: 0,
    result: { apps: [{ name: 'Caf\u00e9 \u2713', note: '100%% "quoted" %s \\ back', n: -1.5e-7, ok: true, none: null, empty: [], nested: { a: [1, 'x'] } }] },
    warnings: [],
  };
  const pipe = { isTTY: false, env: {}, argv: ['node', 'sf', 'eca', 'list', '--json'] };

  it('is the text sf-plugins-core prints (colorizeJson, colours taken away) when standard output is a pipe', () => {
    const theirs = stripVTControlCharacters(ux.colorizeJson(answer, { pretty: true, theme: { key: 'blueBright', string: 'greenBright' } }));
    expect(plainJson(answer, pipe)).to.equal(theirs);
  });

  it('leaves the colours to sf-plugins-core for a terminal, FORCE_COLOR or a --color flag', () => {
    expect(plainJson(answer, { ...pipe, isTTY: true })).to.equal(undefined);
    expect(plainJson(answer, { ...pipe, env: { FORCE_COLOR: '1' } })).to.equal(undefined);
    expect(plainJson(answer, { ...pipe, argv: [...pipe.argv, '--color'] })).to.equal(undefined);
    expect(plainJson(answer, { ...pipe, argv: [...pipe.argv, '--color=256'] })).to.equal(undefined);
  });
});
