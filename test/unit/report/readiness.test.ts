import { expect } from 'chai';
import { convertConnectedApp } from '../../../src/domain/convert/index.js';
import type { ConnectedApp } from '../../../src/domain/model.js';
import { buildReadiness, classifyConversion, type ConversionInput, type LoginSummary } from '../../../src/domain/report/index.js';
import { component, metadataXml, type XmlFields } from '../policy/helpers.js';

const NOW = new Date('2026-09-15T00:00:00Z');
const OPTIONS = { org: 'acme', now: NOW, windowDays: 90 };

const SECURE: XmlFields = {
  contactEmail: 'ops@acme.example',
  label: 'Billing Sync',
  oauthConfig: {
    callbackUrl: 'https://app.acme.example/oauth/callback',
    isAdminApproved: true,
    isConsumerSecretOptional: false,
    isPkceRequired: true,
    scopes: ['Api', 'RefreshToken'],
  },
  oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'specific_lifetime:30:DAYS' },
};

/** What convert would report for a Connected App with these fields (the real conversion). */
function converted(name: string, fields: XmlFields): ConversionInput {
  const ca = component(metadataXml('ConnectedApp', fields), name) as ConnectedApp;
  return { name, label: String(fields.label), result: convertConnectedApp({ fullName: name, values: ca.values }) };
}

function upLogin(application: string, lastLogin = '2026-09-01T00:00:00Z'): LoginSummary {
  return { application, userId: '005000000000001AAA', loginType: 'Remote Access 2.0', loginSubType: 'OAuth Username-Password', logins: 12, lastLogin };
}

describe('report: conversion readiness from convert', () => {
  it('a clean conversion is eligible', () => {
    const c = converted('Billing_Sync', SECURE);
    expect(c.result?.status).to.equal('clean');
    expect(classifyConversion(c, OPTIONS)).to.deep.include({ category: 'eligible', reasons: [] });
  });

  it('convert attention becomes attention, each reason from the report or the notices', () => {
    const c = converted('Order_Gateway', { ...SECURE, oauthConfig: { ...(SECURE.oauthConfig as XmlFields), callbackUrl: 'https://login.salesforce.com/services/oauth2/token' } });
    expect(c.result?.status).to.equal('attention');
    const e = classifyConversion(c, OPTIONS);
    expect(e.category).to.equal('attention');
    expect(e.reasons.map((r) => r.code)).to.deep.equal(['username-password-flow']);
  });

  it('username-password logins in the window make an app not convertible; logins before it do not', () => {
    const c = converted('Billing_Sync', SECURE);
    const blocked = classifyConversion(c, { ...OPTIONS, logins: [upLogin('Billing Sync')] });
    expect(blocked.category).to.equal('not-convertible');
    expect(blocked.reasons[0].code).to.equal('username-password-flow');
    expect(blocked.reasons[0].message).to.contain('12 logins by 1 user');
    expect(blocked.usage?.logins).to.equal(12);
    expect(classifyConversion(c, { ...OPTIONS, logins: [upLogin('Billing Sync', '2026-01-01T00:00:00Z')] }).category).to.equal('eligible');
  });

  it('a mobile app configuration and a legacy canvas element are not convertible; canvasConfig converts', () => {
    const mobile = converted('Field_App', {
      ...SECURE,
      mobileAppConfig: { applicationBinaryFileName: 'a.ipa', applicationInstallUrl: 'https://m.acme.example', devicePlatform: 'ios', minimumOsVersion: '15', privateApp: true, version: '1' },
    });
    expect(classifyConversion(mobile, OPTIONS)).to.deep.include({ category: 'not-convertible' });
    expect(classifyConversion(mobile, OPTIONS).reasons.map((r) => r.code)).to.include('mobile');
    const legacyCanvas = converted('Canvas_App', { ...SECURE, canvas: { canvasUrl: 'https://c.acme.example' } });
    expect(classifyConversion(legacyCanvas, OPTIONS).reasons.map((r) => r.code)).to.include('canvas');
    const canvasConfig = converted('Canvas_App', { ...SECURE, canvasConfig: { accessMethod: 'Get', canvasUrl: 'https://c.acme.example', locations: ['Visualforce'] } });
    expect(classifyConversion(canvasConfig, OPTIONS).category).to.equal('eligible');
  });

  it('installed and converted apps come from what convert skipped', () => {
    expect(classifyConversion({ name: 'ns__Vendor', skipped: 'installed' }, OPTIONS)).to.deep.include({ category: 'not-convertible' });
    expect(classifyConversion({ name: 'Old', skipped: 'converted' }, OPTIONS).category).to.equal('converted');
  });

  it('a conversion that does not validate is not convertible, with its first problem', () => {
    const e = classifyConversion(
      { name: 'Broken', result: { status: 'failed', report: [], notices: [], problems: [{ code: 'missing-required', component: 'X', message: 'X: label is required.', fix: 'Add it.', platformMessage: 'Required field is missing: label' }] } },
      OPTIONS
    );
    expect(e.category).to.equal('not-convertible');
    expect(e.reasons[0]).to.deep.equal({ code: 'invalid-result', message: 'The converted app does not validate (1 problem): X: label is required.' });
  });

  it('counts categories and writes one convert command per list, quoting names for the shell', () => {
    const r = buildReadiness(
      [converted('B_App', SECURE), converted('A_App', SECURE), { name: 'ns__V', skipped: 'installed' }, { name: 'Done', skipped: 'converted' }],
      { ...OPTIONS, org: "client's org" }
    );
    expect(r).to.include({ eligible: 2, attention: 0, notConvertible: 1, converted: 1, total: 4 });
    expect(r.apps.map((a) => a.name)).to.deep.equal(['ns__V', 'A_App', 'B_App', 'Done']);
    expect(r.command).to.equal("sf eca convert --target-org 'client'\\''s org' --name A_App --name B_App");
    expect(r.attentionCommand).to.equal(undefined);
  });
});
