/** The state store: SQLite behind StorePort (see sqlite-store.ts for durability and the PostgreSQL notes). */
export { openStore, DEFAULT_DATA_DIR, DB_FILE_NAME } from "./sqlite-store.js";
export type { Store, StoreOptions } from "./sqlite-store.js";
