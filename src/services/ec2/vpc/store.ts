/**
 * The vpc family's own small tables (everything else lives in the shared resource store):
 * - ec2_vpc_counters: global counters for the address pools that must be unique across every
 *   account (Amazon-provided IPv6 /56 blocks, Elastic IP addresses);
 * - ec2_default_vpcs: one row per account and Region once its default VPC has been created, so
 *   that ensureDefaultVpc is one primary-key lookup and a deleted default VPC is not recreated
 *   behind the user's back (only CreateDefaultVpc recreates it).
 */
import type { StorePort } from "../../../core/index.js";
import type { Scope } from "../foundation/index.js";

export const vpcMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ec2_vpc_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ec2_default_vpcs (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     vpc_id TEXT,                       -- NULL once the user deleted it
     PRIMARY KEY (account, region)
   )`,
];

/** The next value of a global counter (starting at 0). */
export const nextCounter = (store: StorePort, name: string): number => {
  store.run(
    `INSERT INTO ec2_vpc_counters (name, value) VALUES (?, 0) ON CONFLICT(name) DO UPDATE SET value = value + 1`,
    [name],
  );
  return store.get<{ value: number }>(`SELECT value FROM ec2_vpc_counters WHERE name = ?`, [name])!.value;
};

/** undefined: never created; null: created then deleted; a string: the current default VPC. */
export const defaultVpcRecord = (store: StorePort, scope: Scope): string | null | undefined => {
  const row = store.get<{ vpc_id: string | null }>(`SELECT vpc_id FROM ec2_default_vpcs WHERE account = ? AND region = ?`, [
    scope.accountId,
    scope.region,
  ]);
  return row === undefined ? undefined : row.vpc_id;
};

export const setDefaultVpcRecord = (store: StorePort, scope: Scope, vpcId: string | null): void => {
  store.run(
    `INSERT INTO ec2_default_vpcs (account, region, vpc_id) VALUES (?, ?, ?)
     ON CONFLICT(account, region) DO UPDATE SET vpc_id = excluded.vpc_id`,
    [scope.accountId, scope.region, vpcId],
  );
};
