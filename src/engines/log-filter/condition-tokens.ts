/**
 * The tokens that JSON and space-delimited filter patterns share inside a condition: `&&`, `||`,
 * the comparison operators, "quoted strings" (backslash escapes), %regex% and bare words.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { FilterPatternSyntaxError, type Operator } from "./values.js";

export type CondToken = { t: "and" | "or" } | { t: "op"; v: Operator } | { t: "word"; v: string; quoted: boolean };

const OPERATORS: readonly Operator[] = ["!=", "<=", ">=", "=", "<", ">"];

/** The token that starts at src[i] (not whitespace) and the index after it; `stop` ends a bare word. */
export const readConditionToken = (src: string, i: number, stop: RegExp): [CondToken, number] => {
  if (src.startsWith("&&", i)) return [{ t: "and" }, i + 2];
  if (src.startsWith("||", i)) return [{ t: "or" }, i + 2];
  const op = OPERATORS.find((o) => src.startsWith(o, i));
  if (op) return [{ t: "op", v: op }, i + op.length];
  if (src[i] === '"') {
    let j = i + 1;
    let text = "";
    while (j < src.length && src[j] !== '"') {
      if (src[j] === "\\" && j + 1 < src.length) {
        text += src[j + 1];
        j += 2;
        continue;
      }
      text += src[j++];
    }
    if (j >= src.length) throw new FilterPatternSyntaxError("Unterminated quoted string in filter pattern");
    return [{ t: "word", v: text, quoted: true }, j + 1];
  }
  if (src[i] === "%") {
    const end = src.indexOf("%", i + 1);
    if (end < 0) throw new FilterPatternSyntaxError("Unterminated regex in filter pattern");
    return [{ t: "word", v: src.slice(i, end + 1), quoted: false }, end + 1];
  }
  let j = i;
  while (j < src.length && !stop.test(src[j])) j++;
  if (j === i) throw new FilterPatternSyntaxError(`Unexpected character '${src[i]}' in filter pattern`);
  return [{ t: "word", v: src.slice(i, j), quoted: false }, j];
};
