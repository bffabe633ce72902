/**
 * STS tables: the temporary credentials Cloudbox issued (AssumeRole, GetSessionToken), so that a
 * later request signed with such an access key id resolves to the right account and principal,
 * across restarts.
 */
import type { StorePort } from "../../core/index.js";

export const stsMigrations: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS sts_credentials (
     access_key_id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL,          -- the account the credentials act in (the role's account)
     region TEXT NOT NULL,              -- Region of the request that issued them
     kind TEXT NOT NULL,                -- 'assumed-role' | 'session-token'
     secret_access_key TEXT NOT NULL,
     session_token TEXT NOT NULL,
     principal_arn TEXT NOT NULL,       -- what GetCallerIdentity answers as Arn
     user_id TEXT NOT NULL,             -- what GetCallerIdentity answers as UserId
     source_access_key_id TEXT NOT NULL,
     source_account_id TEXT NOT NULL,
     issued_at INTEGER NOT NULL,        -- epoch milliseconds
     expires_at INTEGER NOT NULL        -- epoch milliseconds
   )`,
  `CREATE INDEX IF NOT EXISTS sts_credentials_account ON sts_credentials (account_id, region)`,
];

export interface StsCredentialRow {
  access_key_id: string;
  account_id: string;
  region: string;
  kind: "assumed-role" | "session-token";
  secret_access_key: string;
  session_token: string;
  principal_arn: string;
  user_id: string;
  source_access_key_id: string;
  source_account_id: string;
  issued_at: number;
  expires_at: number;
}

export const insertCredentials = (store: StorePort, row: StsCredentialRow): void => {
  store.run(
    `INSERT INTO sts_credentials (access_key_id, account_id, region, kind, secret_access_key, session_token,
       principal_arn, user_id, source_access_key_id, source_account_id, issued_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.access_key_id, row.account_id, row.region, row.kind, row.secret_access_key, row.session_token,
      row.principal_arn, row.user_id, row.source_access_key_id, row.source_account_id, row.issued_at, row.expires_at,
    ],
  );
};

export const findCredentials = (store: StorePort, accessKeyId: string): StsCredentialRow | undefined =>
  store.get<StsCredentialRow>(`SELECT * FROM sts_credentials WHERE access_key_id = ?`, [accessKeyId]);
