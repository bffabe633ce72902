/**
 * A small lexer for the HiveQL DDL and the statement classification Athena needs: identifiers
 * (bare, `backquoted`, "double-quoted"), string literals ('...' with '' or \' escapes),
 * numbers, punctuation. Comments (-- and /* *\/) are skipped.
 */
export type Token =
  | { kind: "word"; text: string; upper: string; quoted: boolean; pos: number; doubleQuoted?: boolean }
  | { kind: "string"; text: string; pos: number }
  | { kind: "number"; text: string; pos: number }
  | { kind: "punct"; text: string; pos: number };

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const unescapeHive = (s: string): string =>
  s.replace(/\\(u[0-9a-fA-F]{4}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === "u") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: "\n", t: "\t", r: "\r", "0": "\0" } as Record<string, string>)[e] ?? e;
  });

export const tokenize = (sql: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= sql.length) throw new SqlSyntaxError("unterminated string literal", i);
        const d = sql[j]!;
        if (d === "\\" && j + 1 < sql.length) {
          s += d + sql[j + 1];
          j += 2;
          continue;
        }
        if (d === "'") {
          if (sql[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += d;
        j++;
      }
      out.push({ kind: "string", text: unescapeHive(s), pos: i });
      i = j + 1;
      continue;
    }
    if (c === "`" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new SqlSyntaxError("unterminated quoted identifier", i);
      const text = sql.slice(i + 1, end);
      out.push({ kind: "word", text, upper: text.toUpperCase(), quoted: true, pos: i, ...(c === '"' ? { doubleQuoted: true } : {}) });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(sql.slice(i, i + 256));
    if (word) {
      out.push({ kind: "word", text: word[0], upper: word[0].toUpperCase(), quoted: false, pos: i });
      i += word[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(sql.slice(i, i + 64));
    if (num) {
      out.push({ kind: "number", text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    out.push({ kind: "punct", text: c, pos: i });
    i++;
  }
  return out;
};

/** A cursor over tokens with the helpers a recursive-descent parser needs. */
export class Cursor {
  i = 0;
  constructor(
    readonly tokens: Token[],
    readonly sql: string,
  ) {}
  peek(k = 0): Token | undefined {
    return this.tokens[this.i + k];
  }
  done(): boolean {
    while (this.peek()?.kind === "punct" && this.peek()!.text === ";") this.i++;
    return this.i >= this.tokens.length;
  }
  isWord(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.peek(k);
      if (!t || t.kind !== "word" || t.quoted || t.upper !== words[k]) return false;
    }
    return true;
  }
  acceptWord(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }
  expectWord(...words: string[]): void {
    if (!this.acceptWord(...words)) this.fail(`expected ${words.join(" ")}`);
  }
  isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === "punct" && t.text === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail(`expected '${p}'`);
  }
  identifier(): string {
    const t = this.peek();
    if (!t || t.kind !== "word") this.fail("expected an identifier");
    this.i++;
    return (t as { text: string }).text;
  }
  /** `a` or `a.b`: [qualifier, name]. */
  qualifiedName(): [string | undefined, string] {
    const first = this.identifier();
    if (this.acceptPunct(".")) return [first, this.identifier()];
    return [undefined, first];
  }
  /** A string literal; in Hive DDL "double quotes" also make one (TBLPROPERTIES ("k"="v")). */
  string(): string {
    const t = this.peek();
    if (t?.kind === "word" && t.doubleQuoted) {
      this.i++;
      return t.text;
    }
    if (!t || t.kind !== "string") this.fail("expected a string literal");
    this.i++;
    return (t as { text: string }).text;
  }
  fail(message: string): never {
    const t = this.peek();
    const pos = t ? t.pos : this.sql.length;
    const found = t ? `'${t.kind === "string" ? `'${t.text}'` : t.text}'` : "<EOF>";
    throw new SqlSyntaxError(`${message}, found ${found}`, pos);
  }
}

/** line:column (1-based) of an offset, as Athena's messages give it. */
export const lineCol = (sql: string, pos: number): string => {
  const before = sql.slice(0, pos).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
};
