/**
 * AWS RAM's tables (resource shares, their associations, invitations) and the SQL of the one
 * seam between RAM and EC2.
 *
 * THE SEAM (a deliberate, documented exception to "each service owns its tables"): a resource
 * shared through RAM must appear in the participant's EC2 Describe* calls, and EC2 has no public
 * API through which RAM could say so. So RAM and EC2 share one contract, in two tables that the
 * EC2 foundation created (src/services/ec2/foundation/resource-store.ts):
 *   - ec2_shares(resource_id, account, share): RAM WRITES one row per (EC2 resource id,
 *     participant account, resource share ARN) once the participant has accepted the invitation,
 *     and DELETES those rows when the principal or the resource is disassociated or the share is
 *     deleted. EC2 only READS it (getResource/listResources show shared rows to the participant).
 *   - ec2_resources(id, type, account, region, parent): RAM only READS it, to check that a
 *     resource ARN names an existing resource of the caller in the share's Region (RAM answers
 *     UnknownResourceException otherwise, as AWS does), and to find the VPC of a shared subnet
 *     (participants see the VPC of a subnet shared with them, which is also granted through
 *     ec2_shares under the same share ARN).
 * Nothing else crosses: RAM imports nothing from EC2 and EC2 nothing from RAM; the SQL of the
 * contract is here only. If ec2_shares changes shape, this file changes with it.
 */
import type { StorePort } from "../../core/index.js";

export const ramMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ram_shares (
     arn TEXT PRIMARY KEY,
     account TEXT NOT NULL,              -- the owner
     region TEXT NOT NULL,
     seq INTEGER NOT NULL,
     doc TEXT NOT NULL                   -- JSON: the API's ResourceShare
   )`,
  `CREATE INDEX IF NOT EXISTS ram_shares_scope ON ram_shares (account, region, seq)`,
  `CREATE TABLE IF NOT EXISTS ram_associations (
     share_arn TEXT NOT NULL,
     entity TEXT NOT NULL,               -- an account id (PRINCIPAL) or a resource ARN (RESOURCE)
     type TEXT NOT NULL,                 -- PRINCIPAL | RESOURCE
     status TEXT NOT NULL,               -- ASSOCIATING | ASSOCIATED | DISASSOCIATED | FAILED
     external INTEGER NOT NULL,
     created TEXT NOT NULL,
     updated TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (share_arn, entity)
   )`,
  `CREATE INDEX IF NOT EXISTS ram_associations_entity ON ram_associations (entity, type)`,
  `CREATE TABLE IF NOT EXISTS ram_invitations (
     arn TEXT PRIMARY KEY,
     share_arn TEXT NOT NULL,
     sender TEXT NOT NULL,
     receiver TEXT NOT NULL,
     region TEXT NOT NULL,
     status TEXT NOT NULL,               -- PENDING | ACCEPTED | REJECTED | EXPIRED
     created TEXT NOT NULL,
     seq INTEGER NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS ram_invitations_receiver ON ram_invitations (receiver, region, seq)`,
  `CREATE TABLE IF NOT EXISTS ram_sequence (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
];

const nextSeq = (store: StorePort): number => {
  store.run(`INSERT INTO ram_sequence (name, value) VALUES ('seq', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1`);
  return store.get<{ value: number }>(`SELECT value FROM ram_sequence WHERE name = 'seq'`)!.value;
};

// ---------------------------------------------------------------------------------------------
// Shares

export interface ShareRow {
  arn: string;
  account: string;
  region: string;
  doc: string;
}

export const insertShare = (store: StorePort, arn: string, account: string, region: string, doc: object): void => {
  store.run(`INSERT INTO ram_shares (arn, account, region, seq, doc) VALUES (?, ?, ?, ?, ?)`, [arn, account, region, nextSeq(store), JSON.stringify(doc)]);
};

export const updateShareDoc = (store: StorePort, arn: string, doc: object): void => {
  store.run(`UPDATE ram_shares SET doc = ? WHERE arn = ?`, [JSON.stringify(doc), arn]);
};

export const getShare = (store: StorePort, arn: string): ShareRow | undefined => store.get<ShareRow>(`SELECT * FROM ram_shares WHERE arn = ?`, [arn]);

export const sharesOwnedBy = (store: StorePort, account: string, region: string): ShareRow[] =>
  store.all<ShareRow>(`SELECT * FROM ram_shares WHERE account = ? AND region = ? ORDER BY seq`, [account, region]);

/** Shares of other accounts in which `account` is an associated principal. */
export const sharesWithPrincipal = (store: StorePort, account: string, region: string): ShareRow[] =>
  store.all<ShareRow>(
    `SELECT s.* FROM ram_shares s JOIN ram_associations a ON a.share_arn = s.arn
     WHERE a.entity = ? AND a.type = 'PRINCIPAL' AND a.status = 'ASSOCIATED' AND s.region = ? AND s.account <> ? ORDER BY s.seq`,
    [account, region, account],
  );

// ---------------------------------------------------------------------------------------------
// Associations

export interface AssociationRow {
  share_arn: string;
  entity: string;
  type: "PRINCIPAL" | "RESOURCE";
  status: string;
  external: number;
  created: string;
  updated: string;
}

export const putAssociation = (store: StorePort, row: Omit<AssociationRow, "created" | "updated">, now: string): void => {
  store.run(
    `INSERT INTO ram_associations (share_arn, entity, type, status, external, created, updated, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(share_arn, entity) DO UPDATE SET status = excluded.status, updated = excluded.updated`,
    [row.share_arn, row.entity, row.type, row.status, row.external, now, now, nextSeq(store)],
  );
};

export const setAssociationStatus = (store: StorePort, shareArn: string, entity: string, status: string, now: string): void => {
  store.run(`UPDATE ram_associations SET status = ?, updated = ? WHERE share_arn = ? AND entity = ?`, [status, now, shareArn, entity]);
};

export const associationsOf = (store: StorePort, shareArn: string): AssociationRow[] =>
  store.all<AssociationRow>(`SELECT * FROM ram_associations WHERE share_arn = ? ORDER BY seq`, [shareArn]);

export const associationsOfEntity = (store: StorePort, entity: string): AssociationRow[] =>
  store.all<AssociationRow>(`SELECT * FROM ram_associations WHERE entity = ? ORDER BY seq`, [entity]);

// ---------------------------------------------------------------------------------------------
// Invitations

export interface InvitationRow {
  arn: string;
  share_arn: string;
  sender: string;
  receiver: string;
  region: string;
  status: string;
  created: string;
}

export const insertInvitation = (store: StorePort, row: InvitationRow): void => {
  store.run(`INSERT INTO ram_invitations (arn, share_arn, sender, receiver, region, status, created, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.arn, row.share_arn, row.sender, row.receiver, row.region, row.status, row.created, nextSeq(store),
  ]);
};

export const getInvitation = (store: StorePort, arn: string): InvitationRow | undefined =>
  store.get<InvitationRow>(`SELECT * FROM ram_invitations WHERE arn = ?`, [arn]);

export const invitationsFor = (store: StorePort, receiver: string, region: string): InvitationRow[] =>
  store.all<InvitationRow>(`SELECT * FROM ram_invitations WHERE receiver = ? AND region = ? ORDER BY seq`, [receiver, region]);

export const pendingInvitation = (store: StorePort, shareArn: string, receiver: string): InvitationRow | undefined =>
  store.get<InvitationRow>(`SELECT * FROM ram_invitations WHERE share_arn = ? AND receiver = ? AND status = 'PENDING'`, [shareArn, receiver]);

export const setInvitationStatus = (store: StorePort, arn: string, status: string): void => {
  store.run(`UPDATE ram_invitations SET status = ? WHERE arn = ?`, [status, arn]);
};

// ---------------------------------------------------------------------------------------------
// The EC2 seam (see the module comment)

/** Contract read: does the EC2 resource exist, of this type, owned by account in region? */
export const ec2ResourceExists = (store: StorePort, id: string, type: string, account: string, region: string): boolean =>
  store.get(`SELECT 1 AS x FROM ec2_resources WHERE id = ? AND type = ? AND account = ? AND region = ?`, [id, type, account, region]) !== undefined;

/** Contract read: the container (VPC) of an EC2 resource, if any. */
export const ec2ParentOf = (store: StorePort, id: string): string | undefined =>
  store.get<{ parent: string | null }>(`SELECT parent FROM ec2_resources WHERE id = ?`, [id])?.parent ?? undefined;

/** Contract write: the participant may now see the EC2 resource (ec2_shares row). */
export const grantEc2Share = (store: StorePort, resourceId: string, account: string, shareArn: string): void => {
  store.run(`INSERT OR IGNORE INTO ec2_shares (resource_id, account, share) VALUES (?, ?, ?)`, [resourceId, account, shareArn]);
};

/** Contract write: withdraw what a share granted, for one resource and/or one account, or all of it. */
export const revokeEc2Shares = (store: StorePort, shareArn: string, filter: { resourceId?: string; account?: string } = {}): void => {
  const where = ["share = ?"];
  const params: string[] = [shareArn];
  if (filter.resourceId) {
    where.push("resource_id = ?");
    params.push(filter.resourceId);
  }
  if (filter.account) {
    where.push("account = ?");
    params.push(filter.account);
  }
  store.run(`DELETE FROM ec2_shares WHERE ${where.join(" AND ")}`, params);
};
