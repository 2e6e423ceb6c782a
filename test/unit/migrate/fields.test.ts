import { expect } from 'chai';
import { fieldKind, fieldSpec } from '../../../src/domain/schema/index.js';
import {
  APP_SETTING_FIELDS,
  CALLBACK_URL_FIELD,
  CERTIFICATE_FIELD,
  CONSUMER_KEY_FIELD,
  DISTRIBUTION_STATE_FIELD,
  type FieldRef,
  ORG_SPECIFIC_FIELDS,
  PERMISSION_SET_FIELDS,
  PROFILE_FIELDS,
  ROTATION_FIELDS,
  SATELLITE_LABEL_FIELD,
  typeOfPart,
  urlFieldsOf,
  USER_FIELDS,
} from '../../../src/domain/migrate/fields.js';
import { ECA_COMPONENTS } from '../../../src/domain/components.js';

describe('migrate/fields: the fields a migration treats specially', () => {
  const refs: FieldRef[] = [
    ...ORG_SPECIFIC_FIELDS,
    CONSUMER_KEY_FIELD,
    ...ROTATION_FIELDS,
    ...USER_FIELDS,
    ...PROFILE_FIELDS,
    ...PERMISSION_SET_FIELDS,
    CALLBACK_URL_FIELD,
    CERTIFICATE_FIELD,
    ...Object.values(APP_SETTING_FIELDS),
    DISTRIBUTION_STATE_FIELD,
  ];

  for (const ref of refs) {
    it(`${typeOfPart(ref.part)}.${ref.field} is in the WSDL schema`, () => {
      expect(fieldSpec(typeOfPart(ref.part), ref.field), ref.field).to.not.equal(undefined);
    });
  }

  it('every part has a label', () => {
    for (const { type } of ECA_COMPONENTS) {
      if (fieldSpec(type, 'externalClientApplication')) expect(fieldSpec(type, SATELLITE_LABEL_FIELD), type).to.not.equal(undefined);
    }
  });

  it('finds the URL fields in the schema', () => {
    expect(urlFieldsOf('globalOauthSettings')).to.deep.equal(['callbackUrl']);
    expect(urlFieldsOf('header')).to.deep.equal(['iconUrl', 'infoUrl', 'logoUrl']);
    expect(urlFieldsOf('policies')).to.deep.equal(['startUrl']);
    expect(urlFieldsOf('samlPolicies')).to.include.members(['acsUrl', 'entityUrl', 'singleLogoutUrl']);
    for (const { part } of ECA_COMPONENTS) {
      for (const f of urlFieldsOf(part)) expect(fieldKind(fieldSpec(typeOfPart(part), f)!)).to.equal('string');
    }
  });
});
