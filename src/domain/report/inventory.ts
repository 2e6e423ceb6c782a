/**
 * The inventory of an org: its External Client Apps and Connected Apps as `sf eca list` reads
 * them, by distribution state and origin (installed from a package, or local), and the vendors
 * whose packages brought apps in.
 */
import type { InventoryApp, Inventory, InventoryAppView } from './model.js';

/** Installed from a package: the same test `sf eca convert` uses to skip an app (a namespace, or manageableState "installed"). */
export function isInstalled(app: Pick<InventoryApp, 'namespacePrefix' | 'manageableState'>): boolean {
  return Boolean(app.namespacePrefix) || app.manageableState === 'installed';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildInventory(apps: readonly InventoryApp[]): Inventory {
  const views: InventoryAppView[] = apps
    .map((a) => ({
      name: a.name,
      ...(a.label === undefined ? {} : { label: a.label }),
      kind: a.kind === 'ExternalClientApp' ? ('eca' as const) : ('connectedApp' as const),
      ...(a.distributionState === undefined ? {} : { distributionState: a.distributionState }),
      origin: isInstalled(a) ? ('installed' as const) : ('local' as const),
      ...(a.namespacePrefix ? { namespacePrefix: a.namespacePrefix } : {}),
      ...(a.publisher === undefined ? {} : { publisher: a.publisher }),
      flows: [...a.flows],
      ...(a.description === undefined ? {} : { description: a.description }),
    }))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.kind, b.kind));

  const states = new Map<string, number>();
  for (const v of views) {
    const state = v.kind === 'connectedApp' ? 'Connected App' : v.distributionState ?? 'Unknown';
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const vendors = new Map<string, { namespacePrefix: string; publisher?: string; apps: string[] }>();
  for (const v of views) {
    if (v.origin !== 'installed' || v.namespacePrefix === undefined) continue;
    const e = vendors.get(v.namespacePrefix) ?? { namespacePrefix: v.namespacePrefix, apps: [] };
    if (e.publisher === undefined && v.publisher !== undefined) e.publisher = v.publisher;
    e.apps.push(v.name);
    vendors.set(v.namespacePrefix, e);
  }
  return {
    ecas: views.filter((v) => v.kind === 'eca').length,
    connectedApps: views.filter((v) => v.kind === 'connectedApp').length,
    installed: views.filter((v) => v.origin === 'installed').length,
    local: views.filter((v) => v.origin === 'local').length,
    byDistribution: [...states].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || compareText(a.state, b.state)),
    vendors: [...vendors.values()].sort((a, b) => compareText(a.namespacePrefix, b.namespacePrefix)),
    apps: views,
  };
}
