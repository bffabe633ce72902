/**
 * The traffic family's SQL (architecture rule 5: SQL only in a store.ts).
 *
 * The network version. The compiled network (src/engines/reachability compileNetwork) is cached
 * per runtime and must be rebuilt whenever any EC2 resource changes, but the other families'
 * writes cannot be hooked in code. So the database counts them: triggers on ec2_resources (every
 * EC2 resource, security group rule, route table, ENI... is a row there) bump one counter on each
 * INSERT, UPDATE and DELETE. Reading the version is one primary-key lookup, it is exact (no false
 * "unchanged"), survives restarts, and changes only when EC2 data changes (not when CloudWatch Logs
 * or S3 write, unlike SQLite's total_changes()). `reset()` empties every table, including the
 * counter: the row then carries a fresh random epoch, so a version read after a reset never equals
 * one cached before it.
 * Not counted on purpose: ec2_tags (tags do not change traffic) and ec2_shares (the model holds
 * every account's resources whatever is shared; sharing changes who may ask, not the paths).
 */
import { randomUUID } from "node:crypto";
import type { StorePort } from "../../../core/index.js";

export const trafficMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ec2_traffic_version (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL, value INTEGER NOT NULL)`,
  `CREATE TRIGGER IF NOT EXISTS ec2_traffic_version_ins AFTER INSERT ON ec2_resources
     BEGIN UPDATE ec2_traffic_version SET value = value + 1 WHERE id = 1; END`,
  `CREATE TRIGGER IF NOT EXISTS ec2_traffic_version_upd AFTER UPDATE ON ec2_resources
     BEGIN UPDATE ec2_traffic_version SET value = value + 1 WHERE id = 1; END`,
  `CREATE TRIGGER IF NOT EXISTS ec2_traffic_version_del AFTER DELETE ON ec2_resources
     BEGIN UPDATE ec2_traffic_version SET value = value + 1 WHERE id = 1; END`,
];

/** The current network version ("epoch:counter"). */
export const networkVersion = (store: StorePort): string => {
  let row = store.get<{ epoch: string; value: number }>(`SELECT epoch, value FROM ec2_traffic_version WHERE id = 1`);
  if (!row) {
    row = { epoch: randomUUID(), value: 0 };
    store.run(`INSERT OR IGNORE INTO ec2_traffic_version (id, epoch, value) VALUES (1, ?, 0)`, [row.epoch]);
    row = store.get<{ epoch: string; value: number }>(`SELECT epoch, value FROM ec2_traffic_version WHERE id = 1`) ?? row;
  }
  return `${row.epoch}:${row.value}`;
};

/** Every (account, Region) that holds EC2 resources: the scopes the network model spans. */
export const resourceScopes = (store: StorePort): Array<{ accountId: string; region: string }> =>
  store.all<{ account: string; region: string }>(`SELECT DISTINCT account, region FROM ec2_resources`).map((r) => ({
    accountId: r.account,
    region: r.region,
  }));

/** Owner account and Region of a resource id (any account), for ARNs. */
export const homeOf = (store: StorePort, id: string): { accountId: string; region: string; type: string } | undefined => {
  const r = store.get<{ account: string; region: string; type: string }>(`SELECT account, region, type FROM ec2_resources WHERE id = ?`, [id]);
  return r ? { accountId: r.account, region: r.region, type: r.type } : undefined;
};
