/**
 * Makes a deploy of this plugin one that `sf project deploy resume --job-id <id>` can follow.
 *
 * `sf project deploy resume` has no --target-org flag: it finds the org of a job in the CLI's
 * deploy cache (~/.sf/deploy-cache.json, a @salesforce/core TTLConfig kept 3 days) and refuses
 * an ID it does not find there ("No matching job found in cache for ID"). `sf project deploy
 * start` writes an entry for every deploy it starts; a deploy started through SDR by a plugin
 * has none. So when this plugin stops watching a deploy that goes on (interrupted, connection
 * dropped, --wait ran out), it writes the entry the CLI would have written: the username, the
 * wait in minutes, and `isMdapi` (resume then follows the job by its ID alone, without a project
 * or source tracking).
 * Source: salesforcecli/plugin-deploy-retrieve src/utils/deployCache.ts (getDefaultOptions,
 * set, resolveLatest) and src/commands/project/deploy/resume.ts, utils/deploy.ts executeDeploy.
 */
import { Global, TTLConfig } from '@salesforce/core';
import { Duration } from '@salesforce/kit';

/** what `sf project deploy resume` reads of an entry (CachedOptions of plugin-deploy-retrieve) */
type CachedDeploy = { 'target-org': string; wait: number; isMdapi: boolean };

/** `sf project deploy resume`'s default wait when the entry has none */
const RESUME_WAIT_MINUTES = 33;

/**
 * Writes the entry; true when `sf project deploy resume --job-id <id>` will find the job. Never
 * throws: without the entry the user still has `sf project deploy report --job-id <id> --target-org`.
 */
export async function rememberDeployForResume(jobId: string, username: string): Promise<boolean> {
  try {
    const cache = (await TTLConfig.create({
      isGlobal: true,
      isState: true,
      filename: 'deploy-cache.json',
      stateFolder: Global.SF_STATE_FOLDER,
      ttl: Duration.days(3),
    })) as TTLConfig<TTLConfig.Options, CachedDeploy>;
    cache.set(jobId, { 'target-org': username, wait: RESUME_WAIT_MINUTES, isMdapi: true });
    await cache.write();
    return true;
  } catch {
    return false;
  }
}
