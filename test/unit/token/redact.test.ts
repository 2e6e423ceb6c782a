import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { findLeaks, redact, redactDeep, redactError } from '../../../src/domain/token/redact.js';
import { makeCert } from '../../helpers/certs.js';

const TOKEN = '00D5g00000DevSm!AQ4AQHn3l1Y5xS8.pKJp_secret_token_value';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHOSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('redaction', () => {
  it('replaces known secrets and anything token-shaped: access tokens, JWTs, refresh tokens, private keys', async () => {
    const key = (await makeCert(30)).key;
    const text = `token ${TOKEN} assertion ${JWT} refresh 5Aep861abcdefghijklmnopqrstuvwxyz0123 secret MYSECRETVALUE key ${key}`;
    const out = redact(text, ['MYSECRETVALUE']);
    for (const s of [TOKEN, JWT, '5Aep861abcdefghij', 'MYSECRETVALUE', 'PRIVATE KEY']) expect(out).to.not.contain(s);
    expect(out.match(/\[REDACTED\]/g)).to.have.length(5);
  });

  it('leaves ids, consumer keys, usernames and URLs alone', () => {
    const text = 'org 00D5g00000DevSmEAJ user 0055g0000000009AAA key 3MVG9abc.DEF_ghi ci@acme.example https://acme.my.salesforce.com/services/oauth2/token';
    expect(redact(text)).to.equal(text);
    expect(findLeaks({ text })).to.deep.equal([]);
  });

  it('redacts deep values and finds leaks by path', () => {
    const value = { a: [{ b: `x ${TOKEN}` }], c: 1, d: 'fine' };
    expect(findLeaks(value)).to.deep.equal(['$.a[0].b']);
    expect(findLeaks(redactDeep(value))).to.deep.equal([]);
    expect(redactDeep(value).c).to.equal(1);
  });

  it('redacts an error\'s message, actions, data, stack and cause in place', () => {
    const cause = new Error(`request with ${TOKEN}`);
    const err = SfError.create({ name: 'X', message: 'failed with S3CR3TS3CR3T', actions: [`retry ${JWT}`], data: { body: TOKEN }, cause });
    const same = redactError(err, ['S3CR3TS3CR3T']);
    expect(same).to.equal(err);
    expect(findLeaks({ message: err.message, actions: err.actions, data: err.data, stack: err.stack, cause: cause.message }, ['S3CR3TS3CR3T'])).to.deep.equal([]);
    expect(redactError('not an error')).to.equal('not an error');
  });
});
