/**
 * The connectivity family's one table, and the visibility helpers built on it.
 *
 * Why a table: the foundation's resource store keeps one row per resource id, scoped to the
 * owner's account and Region, and makes it visible to other accounts of the same Region through
 * ec2_shares. A VPC peering connection or a transit gateway peering attachment between two
 * Regions is one resource with one id that both Regions show (the accepter accepts it "in the
 * accepter's Region": https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html).
 * So the document stays in the requester's (owner's) row, and ec2_remote_views records "this id is
 * also visible in Region R to account A". Same-Region cross-account visibility goes through the
 * foundation's ec2_shares (shareResource), so that other families (route tables naming a pcx-
 * target) see it through getResource/typeOf unchanged.
 *
 * The RAM seam (deliberate, documented in src/services/ram/store.ts as well): AWS RAM writes rows
 * into the foundation's ec2_shares(resource_id, account, share = the resource share ARN) when a
 * participant accepts a share, and deletes them when access is withdrawn; it also reads
 * ec2_resources(id, type, account, region, parent) to validate the ARNs it is given. EC2 only
 * reads ec2_shares (foundation getResource/listResources). No code crosses between the services;
 * the table shape is the contract. This family's own shareResource calls (same-Region peering
 * and transit gateway attachments) use share values "vpc-peering/<id>", "transit-gateway/<id>"
 * and "transit-gateway-peering/<id>", which never collide with RAM's ARNs.
 *
 * Known gap (reported to the lead): the vpc family's CreateRoute looks a pcx- target up with
 * typeOf(scope.region), so a route in the accepter's Region to a cross-Region peering connection
 * is refused until the foundation consults remote views (or keys rows by id and Region).
 */
import type { StorePort } from "../../../core/index.js";
import { getResource, listResources, ownerOf, type Scope } from "../foundation/index.js";

export const connectivityMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ec2_remote_views (
     resource_id TEXT NOT NULL,
     region TEXT NOT NULL,              -- the Region where the resource is also visible
     account TEXT NOT NULL,             -- the account that sees it there
     home_region TEXT NOT NULL,         -- the Region of the owner's row in ec2_resources
     owner TEXT NOT NULL,               -- the owner account of that row
     type TEXT NOT NULL,
     PRIMARY KEY (resource_id, region, account)
   )`,
  `CREATE INDEX IF NOT EXISTS ec2_remote_views_scope ON ec2_remote_views (account, region, type)`,
];

interface RemoteRow {
  resource_id: string;
  home_region: string;
  owner: string;
}

export const addRemoteView = (store: StorePort, id: string, type: string, viewer: Scope, home: Scope): void => {
  store.run(
    `INSERT OR IGNORE INTO ec2_remote_views (resource_id, region, account, home_region, owner, type) VALUES (?, ?, ?, ?, ?, ?)`,
    [id, viewer.region, viewer.accountId, home.region, home.accountId, type],
  );
};

export const removeRemoteViews = (store: StorePort, id: string): void => {
  store.run(`DELETE FROM ec2_remote_views WHERE resource_id = ?`, [id]);
};

/** The owner's scope of a resource visible to the caller (its own row, a share, or a remote view). */
export const homeOf = (store: StorePort, scope: Scope, type: string, id: string): Scope | undefined => {
  if (getResource(store, scope, type, id)) {
    const owner = ownerOf(store, id);
    if (owner) return { accountId: owner, region: scope.region };
  }
  const remote = store.get<RemoteRow>(
    `SELECT resource_id, home_region, owner FROM ec2_remote_views WHERE resource_id = ? AND region = ? AND account = ? AND type = ?`,
    [id, scope.region, scope.accountId, type],
  );
  return remote ? { accountId: remote.owner, region: remote.home_region } : undefined;
};

/** A resource the caller sees in its Region, including cross-Region views. */
export const getVisible = <T>(store: StorePort, scope: Scope, type: string, id: string): T | undefined => {
  const local = getResource<T>(store, scope, type, id);
  if (local) return local;
  const home = homeOf(store, scope, type, id);
  return home ? getResource<T>(store, home, type, id, { owned: true }) : undefined;
};

/** Every resource of a type the caller sees in its Region, including cross-Region views. */
export const listVisible = <T>(store: StorePort, scope: Scope, type: string): T[] => {
  const local = listResources<T>(store, scope, type);
  const remotes = store.all<RemoteRow>(
    `SELECT resource_id, home_region, owner FROM ec2_remote_views WHERE region = ? AND account = ? AND type = ? ORDER BY rowid`,
    [scope.region, scope.accountId, type],
  );
  for (const r of remotes) {
    const doc = getResource<T>(store, { accountId: r.owner, region: r.home_region }, type, r.resource_id, { owned: true });
    if (doc) local.push(doc);
  }
  return local;
};

/** Removes the internal `_`-prefixed fields of a stored document before it goes on the wire. */
export const publicDoc = <T extends object>(doc: T): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith("_")) out[k] = v;
  return out as T;
};
