/**
 * Athena's DDL, parsed (https://docs.aws.amazon.com/athena/latest/ug/ddl-reference.html):
 * CREATE DATABASE|SCHEMA, DROP DATABASE|SCHEMA, CREATE EXTERNAL TABLE (columns, COMMENT,
 * PARTITIONED BY, ROW FORMAT DELIMITED ... | ROW FORMAT SERDE ... WITH SERDEPROPERTIES,
 * STORED AS, LOCATION, TBLPROPERTIES), DROP TABLE, ALTER TABLE ADD|DROP PARTITION, MSCK REPAIR
 * TABLE, SHOW TABLES|DATABASES|SCHEMAS|PARTITIONS|COLUMNS, DESCRIBE. Anything else is a query for
 * the engine (DML). Pure: no I/O.
 */
import { Cursor, tokenize } from "./sql-lexer.js";

export interface Column {
  Name: string;
  Type: string;
  Comment?: string;
}

export interface TableDef {
  columns: Column[];
  partitionKeys: Column[];
  location: string;
  /** Serde library and its properties (field.delim, serialization.format, ...). */
  serde: string;
  serdeProperties: Record<string, string>;
  inputFormat: string;
  outputFormat: string;
  tblProperties: Record<string, string>;
  comment?: string;
}

export type Statement =
  | { kind: "createDatabase"; name: string; ifNotExists: boolean; comment?: string; location?: string; properties: Record<string, string> }
  | { kind: "dropDatabase"; name: string; ifExists: boolean; cascade: boolean }
  | ({ kind: "createTable"; db?: string; name: string; ifNotExists: boolean; external: boolean } & TableDef)
  | { kind: "dropTable"; db?: string; name: string; ifExists: boolean }
  | { kind: "addPartitions"; db?: string; name: string; ifNotExists: boolean; partitions: { values: Record<string, string>; location?: string }[] }
  | { kind: "dropPartitions"; db?: string; name: string; ifExists: boolean; partitions: Record<string, string>[] }
  | { kind: "msck"; db?: string; name: string }
  | { kind: "showTables"; db?: string; pattern?: string }
  | { kind: "showDatabases"; pattern?: string }
  | { kind: "showPartitions"; db?: string; name: string }
  | { kind: "showColumns"; db?: string; name: string }
  | { kind: "describe"; db?: string; name: string }
  | { kind: "dml" };

export const LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
export const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
export const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const PARQUET = {
  serde: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  input: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  output: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
};

const properties = (c: Cursor): Record<string, string> => {
  const out: Record<string, string> = {};
  c.expectPunct("(");
  if (c.acceptPunct(")")) return out;
  do {
    const k = c.string();
    c.expectPunct("=");
    out[k] = c.string();
  } while (c.acceptPunct(","));
  c.expectPunct(")");
  return out;
};

/** A Hive type: tokens up to the next top-level ',' or ')' (depth counts () and <>). */
const hiveType = (c: Cursor): string => {
  let depth = 0;
  let s = "";
  for (;;) {
    const t = c.peek();
    if (!t) c.fail("expected a type");
    if (t!.kind === "punct" && (t!.text === "," || t!.text === ")") && depth === 0) break;
    if (t!.kind === "word" && depth === 0 && t!.upper === "COMMENT" && s) break;
    if (t!.kind === "punct" && (t!.text === "(" || t!.text === "<")) depth++;
    if (t!.kind === "punct" && (t!.text === ")" || t!.text === ">")) depth--;
    s += t!.kind === "word" ? t!.text.toLowerCase() : t!.text;
    c.i++;
  }
  if (!s) c.fail("expected a type");
  return s;
};

const columns = (c: Cursor): Column[] => {
  const out: Column[] = [];
  c.expectPunct("(");
  do {
    const name = c.identifier();
    const type = hiveType(c);
    const col: Column = { Name: name.toLowerCase(), Type: type };
    if (c.acceptWord("COMMENT")) col.Comment = c.string();
    out.push(col);
  } while (c.acceptPunct(","));
  c.expectPunct(")");
  return out;
};

const partitionSpec = (c: Cursor): Record<string, string> => {
  const out: Record<string, string> = {};
  c.expectPunct("(");
  do {
    const k = c.identifier().toLowerCase();
    c.expectPunct("=");
    const t = c.peek();
    if (t?.kind === "number") {
      c.i++;
      out[k] = t.text;
    } else out[k] = c.string();
  } while (c.acceptPunct(","));
  c.expectPunct(")");
  return out;
};

const createTable = (c: Cursor, external: boolean): Statement => {
  const ifNotExists = c.acceptWord("IF", "NOT", "EXISTS");
  const [db, name] = c.qualifiedName();
  const def: TableDef = {
    columns: columns(c),
    partitionKeys: [],
    location: "",
    serde: LAZY_SIMPLE_SERDE,
    serdeProperties: {},
    inputFormat: TEXT_INPUT,
    outputFormat: TEXT_OUTPUT,
    tblProperties: {},
  };
  while (!c.done()) {
    if (c.acceptWord("COMMENT")) def.comment = c.string();
    else if (c.acceptWord("PARTITIONED", "BY")) def.partitionKeys = columns(c);
    else if (c.acceptWord("CLUSTERED", "BY")) {
      columns(c);
      c.expectWord("INTO");
      c.i++;
      c.expectWord("BUCKETS");
    } else if (c.acceptWord("ROW", "FORMAT", "DELIMITED")) {
      def.serde = LAZY_SIMPLE_SERDE;
      for (;;) {
        if (c.acceptWord("FIELDS", "TERMINATED", "BY")) {
          def.serdeProperties["field.delim"] = c.string();
          def.serdeProperties["serialization.format"] = def.serdeProperties["field.delim"];
          if (c.acceptWord("ESCAPED", "BY")) def.serdeProperties["escape.delim"] = c.string();
        } else if (c.acceptWord("COLLECTION", "ITEMS", "TERMINATED", "BY")) def.serdeProperties["collection.delim"] = c.string();
        else if (c.acceptWord("MAP", "KEYS", "TERMINATED", "BY")) def.serdeProperties["mapkey.delim"] = c.string();
        else if (c.acceptWord("LINES", "TERMINATED", "BY")) def.serdeProperties["line.delim"] = c.string();
        else if (c.acceptWord("NULL", "DEFINED", "AS")) def.serdeProperties["serialization.null.format"] = c.string();
        else break;
      }
    } else if (c.acceptWord("ROW", "FORMAT", "SERDE")) {
      def.serde = c.string();
      if (c.acceptWord("WITH", "SERDEPROPERTIES")) Object.assign(def.serdeProperties, properties(c));
    } else if (c.acceptWord("WITH", "SERDEPROPERTIES")) {
      Object.assign(def.serdeProperties, properties(c));
    } else if (c.acceptWord("STORED", "AS", "INPUTFORMAT")) {
      def.inputFormat = c.string();
      c.expectWord("OUTPUTFORMAT");
      def.outputFormat = c.string();
    } else if (c.acceptWord("STORED", "AS")) {
      const fmt = c.identifier().toUpperCase();
      if (fmt === "PARQUET") {
        def.serde = PARQUET.serde;
        def.inputFormat = PARQUET.input;
        def.outputFormat = PARQUET.output;
      } else if (fmt !== "TEXTFILE") {
        def.inputFormat = fmt;
      }
    } else if (c.acceptWord("LOCATION")) def.location = c.string();
    else if (c.acceptWord("TBLPROPERTIES")) Object.assign(def.tblProperties, properties(c));
    else c.fail("mismatched input");
  }
  return { kind: "createTable", db, name: name.toLowerCase(), ifNotExists, external, ...def };
};

const lower = (s: string | undefined) => s?.toLowerCase();

/** Parses one statement; throws SqlSyntaxError with a position. */
export const parseStatement = (sql: string): Statement => {
  const c = new Cursor(tokenize(sql), sql);
  const finish = <S extends Statement>(s: S): S => {
    if (!c.done()) c.fail("mismatched input");
    return s;
  };
  if (c.acceptWord("CREATE", "DATABASE") || c.acceptWord("CREATE", "SCHEMA")) {
    const ifNotExists = c.acceptWord("IF", "NOT", "EXISTS");
    const name = c.identifier().toLowerCase();
    let comment: string | undefined;
    let location: string | undefined;
    let props: Record<string, string> = {};
    while (!c.done()) {
      if (c.acceptWord("COMMENT")) comment = c.string();
      else if (c.acceptWord("LOCATION")) location = c.string();
      else if (c.acceptWord("WITH", "DBPROPERTIES")) props = properties(c);
      else c.fail("mismatched input");
    }
    return { kind: "createDatabase", name, ifNotExists, comment, location, properties: props };
  }
  if (c.acceptWord("DROP", "DATABASE") || c.acceptWord("DROP", "SCHEMA")) {
    const ifExists = c.acceptWord("IF", "EXISTS");
    const name = c.identifier().toLowerCase();
    const cascade = c.acceptWord("CASCADE");
    c.acceptWord("RESTRICT");
    return finish({ kind: "dropDatabase", name, ifExists, cascade });
  }
  if (c.acceptWord("CREATE", "EXTERNAL", "TABLE")) return createTable(c, true);
  if (c.isWord("CREATE", "TABLE") && !/\bAS\s+(SELECT|WITH)\b/i.test(sql)) {
    c.i += 2;
    return createTable(c, false);
  }
  if (c.acceptWord("DROP", "TABLE")) {
    const ifExists = c.acceptWord("IF", "EXISTS");
    const [db, name] = c.qualifiedName();
    return finish({ kind: "dropTable", db: lower(db), name: name.toLowerCase(), ifExists });
  }
  if (c.acceptWord("ALTER", "TABLE")) {
    const [db, name] = c.qualifiedName();
    if (c.acceptWord("ADD")) {
      const ifNotExists = c.acceptWord("IF", "NOT", "EXISTS");
      const partitions: { values: Record<string, string>; location?: string }[] = [];
      while (c.acceptWord("PARTITION")) {
        const values = partitionSpec(c);
        partitions.push(c.acceptWord("LOCATION") ? { values, location: c.string() } : { values });
      }
      if (!partitions.length) c.fail("expected PARTITION");
      return finish({ kind: "addPartitions", db: lower(db), name: name.toLowerCase(), ifNotExists, partitions });
    }
    if (c.acceptWord("DROP")) {
      const ifExists = c.acceptWord("IF", "EXISTS");
      const partitions: Record<string, string>[] = [];
      do {
        c.expectWord("PARTITION");
        partitions.push(partitionSpec(c));
      } while (c.acceptPunct(","));
      return finish({ kind: "dropPartitions", db: lower(db), name: name.toLowerCase(), ifExists, partitions });
    }
    c.fail("unsupported ALTER TABLE");
  }
  if (c.acceptWord("MSCK", "REPAIR", "TABLE")) {
    const [db, name] = c.qualifiedName();
    return finish({ kind: "msck", db: lower(db), name: name.toLowerCase() });
  }
  if (c.acceptWord("SHOW", "TABLES")) {
    let db: string | undefined;
    if (c.acceptWord("IN") || c.acceptWord("FROM")) db = c.identifier().toLowerCase();
    const pattern = c.peek()?.kind === "string" ? c.string() : undefined;
    return finish({ kind: "showTables", db, pattern });
  }
  if (c.acceptWord("SHOW", "DATABASES") || c.acceptWord("SHOW", "SCHEMAS")) {
    c.acceptWord("LIKE");
    const pattern = c.peek()?.kind === "string" ? c.string() : undefined;
    return finish({ kind: "showDatabases", pattern });
  }
  if (c.acceptWord("SHOW", "PARTITIONS")) {
    const [db, name] = c.qualifiedName();
    return finish({ kind: "showPartitions", db: lower(db), name: name.toLowerCase() });
  }
  if (c.acceptWord("SHOW", "COLUMNS")) {
    c.acceptWord("IN") || c.acceptWord("FROM");
    const [db, name] = c.qualifiedName();
    return finish({ kind: "showColumns", db: lower(db), name: name.toLowerCase() });
  }
  if (c.acceptWord("DESCRIBE") || c.acceptWord("DESC")) {
    c.acceptWord("FORMATTED") || c.acceptWord("EXTENDED");
    const [db, name] = c.qualifiedName();
    return finish({ kind: "describe", db: lower(db), name: name.toLowerCase() });
  }
  return { kind: "dml" };
};

/** Athena's StatementType for a statement (https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecution.html). */
export const statementType = (s: Statement): "DDL" | "DML" | "UTILITY" =>
  s.kind === "dml" ? "DML" : s.kind.startsWith("show") || s.kind === "describe" ? "UTILITY" : "DDL";
