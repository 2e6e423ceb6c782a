/** Asks the simulator's token endpoint for a client-credentials token: the HTTP status (200 when the pair mints). */
export async function mintStatus(baseUrl: string, key: string, secret: string): Promise<number> {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: key, client_secret: secret }).toString(),
  });
  return res.status;
}
