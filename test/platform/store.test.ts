/** The SQLite store: migrations, nested transactions, parameters, reset, durability across reopen. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openStore } from "../../src/state/index.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "cloudbox-store-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const migrations = [
  "CREATE TABLE things (account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL, flag INTEGER, note TEXT, PRIMARY KEY (account, region, id))",
  "CREATE TABLE parts (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT, region TEXT, thing TEXT, FOREIGN KEY (account, region, thing) REFERENCES things(account, region, id))",
];

describe("store", () => {
  test("migrations run once per owner and version", () => {
    const store = openStore({ ephemeral: true });
    store.migrate("svc", migrations);
    store.migrate("svc", migrations); // no-op: would fail with "table exists" otherwise
    store.migrate("svc", [...migrations, "ALTER TABLE things ADD COLUMN extra TEXT"]);
    const applied = store.all<{ owner: string; version: number }>("SELECT owner, version FROM _migrations ORDER BY version");
    assert.deepEqual(
      applied.map((r) => [r.owner, r.version]),
      [
        ["svc", 1],
        ["svc", 2],
        ["svc", 3],
      ],
    );
    store.run("INSERT INTO things (account, region, id, extra) VALUES ('a', 'r', 'x', 'e')");
    store.close();
  });

  test("named and positional parameters; booleans and undefined", () => {
    const store = openStore({ ephemeral: true });
    store.migrate("svc", migrations);
    store.run("INSERT INTO things (account, region, id, flag, note) VALUES (@account, @region, @id, @flag, @note)", {
      account: "111111111111",
      region: "us-east-1",
      id: "t-1",
      flag: true,
      note: undefined,
    });
    const row = store.get<{ flag: number; note: string | null }>("SELECT flag, note FROM things WHERE id = ?", ["t-1"]);
    assert.deepEqual({ ...row }, { flag: 1, note: null });
    assert.equal(store.get("SELECT * FROM things WHERE id = ?", ["nope"]), undefined);
    assert.equal(store.all("SELECT * FROM things").length, 1);
    assert.equal(store.run("UPDATE things SET flag = ? WHERE id = ?", [0, "t-1"]).changes, 1);
    store.close();
  });

  test("transactions commit, roll back, and nest by joining the outer one", () => {
    const store = openStore({ ephemeral: true });
    store.migrate("svc", migrations);
    const insert = (id: string) => store.run("INSERT INTO things (account, region, id) VALUES ('a', 'r', ?)", [id]);
    store.transaction(() => {
      insert("one");
      store.transaction(() => insert("two"));
    });
    assert.equal(store.all("SELECT * FROM things").length, 2);
    assert.throws(() =>
      store.transaction(() => {
        insert("three");
        store.transaction(() => insert("four"));
        throw new Error("boom");
      }),
    );
    assert.deepEqual(
      store.all<{ id: string }>("SELECT id FROM things ORDER BY id").map((r) => r.id),
      ["one", "two"],
    );
    // An inner failure that the outer function catches does not end the outer transaction.
    store.transaction(() => {
      try {
        store.transaction(() => {
          insert("five");
          throw new Error("inner");
        });
      } catch {
        // joined: "five" stays part of the outer transaction
      }
      insert("six");
    });
    assert.equal(store.all("SELECT * FROM things").length, 4);
    store.close();
  });

  test("foreign keys are enforced", () => {
    const store = openStore({ ephemeral: true });
    store.migrate("svc", migrations);
    assert.throws(() => store.run("INSERT INTO parts (account, region, thing) VALUES ('a', 'r', 'missing')"), /FOREIGN KEY/);
    store.close();
  });

  test("reset empties every service table and keeps schema and migrations", () => {
    const store = openStore({ ephemeral: true });
    store.migrate("svc", migrations);
    store.run("INSERT INTO things (account, region, id) VALUES ('a', 'r', 'x')");
    store.run("INSERT INTO parts (account, region, thing) VALUES ('a', 'r', 'x')");
    store.reset();
    assert.equal(store.all("SELECT * FROM things").length, 0);
    assert.equal(store.all("SELECT * FROM parts").length, 0);
    assert.equal(store.all("SELECT * FROM _migrations").length, 2);
    store.run("INSERT INTO things (account, region, id) VALUES ('a', 'r', 'x')");
    store.run("INSERT INTO parts (account, region, thing) VALUES ('a', 'r', 'x')");
    // AUTOINCREMENT counters start over too.
    assert.equal(store.get<{ id: number }>("SELECT id FROM parts")?.id, 1);
    store.close();
  });

  test("data survives close and reopen of the data directory (WAL)", () => {
    const dir = join(tempDir(), "nested", "data");
    const first = openStore({ dataDir: dir });
    assert.ok(existsSync(join(dir, "cloudbox.db")));
    assert.equal(first.file, join(dir, "cloudbox.db"));
    first.migrate("svc", migrations);
    first.transaction(() => first.run("INSERT INTO things (account, region, id, note) VALUES ('a', 'r', 'kept', 'hello')"));
    const mode = first.get<{ journal_mode: string }>("PRAGMA journal_mode");
    assert.equal(mode?.journal_mode, "wal");
    first.close();
    first.close(); // idempotent
    const second = openStore({ dataDir: dir });
    second.migrate("svc", migrations);
    assert.equal(second.get<{ note: string }>("SELECT note FROM things WHERE id = 'kept'")?.note, "hello");
    second.close();
  });

  test("an ephemeral store writes nothing to disk", () => {
    const store = openStore({ ephemeral: true });
    assert.equal(store.file, undefined);
    assert.equal(store.ephemeral, true);
    store.close();
  });
});
