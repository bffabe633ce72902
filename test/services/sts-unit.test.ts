/** resolveStsCaller against a real store: issued, unknown and expired keys. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { resolveStsCaller } from "../../src/services/sts/credentials.js";
import { insertCredentials, stsMigrations } from "../../src/services/sts/store.js";
import { openStore, type Store } from "../../src/state/index.js";

describe("sts resolveCaller", () => {
  let store: Store;
  before(() => {
    store = openStore({ ephemeral: true });
    store.migrate("sts", stsMigrations);
  });
  after(() => store.close());

  it("maps an issued key until it expires", () => {
    const now = 1_800_000_000_000;
    insertCredentials(store, {
      access_key_id: "ASIAAAAAAAAAAAAAAAAA",
      account_id: "222222222222",
      region: "us-east-1",
      kind: "assumed-role",
      secret_access_key: "s",
      session_token: "t",
      principal_arn: "arn:aws:sts::222222222222:assumed-role/x/s",
      user_id: "AROAAAAAAAAAAAAAAAAAA:s",
      source_access_key_id: "111111111111",
      source_account_id: "111111111111",
      issued_at: now,
      expires_at: now + 900_000,
    });
    assert.deepEqual(resolveStsCaller(store, "ASIAAAAAAAAAAAAAAAAA", now + 899_999), {
      accessKeyId: "ASIAAAAAAAAAAAAAAAAA",
      accountId: "222222222222",
      arn: "arn:aws:sts::222222222222:assumed-role/x/s",
      userId: "AROAAAAAAAAAAAAAAAAAA:s",
    });
    assert.equal(resolveStsCaller(store, "ASIAAAAAAAAAAAAAAAAA", now + 900_000), undefined);
    assert.equal(resolveStsCaller(store, "ASIABBBBBBBBBBBBBBBB", now), undefined);
    assert.equal(resolveStsCaller(store, "111111111111", now), undefined);
  });
});
