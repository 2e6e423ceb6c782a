/**
 * OauthSettings.oauthLink, `<OrgId>:<ConsumerId>`: the consumer id the Connect REST credentials
 * resource needs. No imports: token/flows.ts (loaded with `sf eca token verify --help`) re-exports it.
 */
/** The consumer id of an ECA from OauthSettings.oauthLink (`<OrgId>:<ConsumerId>`). */
export function consumerIdOf(oauthLink: string | undefined): string | undefined {
  const m = /^\s*[A-Za-z0-9]{15,18}:([A-Za-z0-9]{15,18})\s*$/.exec(oauthLink ?? '');
  return m ? m[1] : undefined;
}
