/**
 * SQL tokenizer: Oracle lexical rules for what the server understands. It never throws; an unterminated
 * literal or quoted identifier becomes an `error` token that swallows the rest of the input, so the script
 * splitter can still report it as one failing statement.
 */
export type TokenKind = "word" | "qident" | "string" | "number" | "bind" | "op" | "error";

export interface Token {
  kind: TokenKind;
  /** word: upper-cased; qident/string: unescaped content; bind: name (upper-cased); op: the symbol; error: ORA code. */
  value: string;
  start: number;
  end: number;
  /** 1-based line and column of the token's first character in the whole input. */
  line: number;
  column: number;
}

const OPS = ["<>", "!=", "^=", "<=", ">=", "||", "(", ")", ",", ";", ".", "=", "<", ">", "*", "+", "-", "/"];

const isLetter = (c: string) => (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c > "\x7f" && /\p{L}/u.test(c));
const isWordChar = (c: string) => isLetter(c) || (c >= "0" && c <= "9") || c === "_" || c === "$" || c === "#";
const isDigit = (c: string) => c >= "0" && c <= "9";

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const advanceLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      if (src[k] === "\n") {
        line++;
        lineStart = k + 1;
      }
    }
  };
  const push = (kind: TokenKind, value: string, start: number, end: number, tokLine: number, tokCol: number) =>
    out.push({ kind, value, start, end, line: tokLine, column: tokCol });

  while (i < src.length) {
    const c = src[i];
    const tokLine = line;
    const tokCol = i - lineStart + 1;
    if (c === "\n" || c === " " || c === "\t" || c === "\r" || c === "\f") {
      advanceLines(i, i + 1);
      i++;
    } else if (c === "-" && src[i + 1] === "-") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const close = src.indexOf("*/", i + 2);
      const end = close < 0 ? src.length : close + 2;
      advanceLines(i, end);
      i = end;
    } else if (c === "'" || ((c === "N" || c === "n") && src[i + 1] === "'")) {
      const start = i;
      i += c === "'" ? 1 : 2;
      let value = "";
      let closed = false;
      while (i < src.length) {
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        value += src[i++];
      }
      advanceLines(start, i);
      push(closed ? "string" : "error", closed ? value : "1756", start, i, tokLine, tokCol);
    } else if (c === '"') {
      const start = i;
      const close = src.indexOf('"', i + 1);
      if (close < 0) {
        i = src.length;
        advanceLines(start, i);
        push("error", "1740", start, i, tokLine, tokCol);
      } else {
        i = close + 1;
        advanceLines(start, i);
        push("qident", src.slice(start + 1, close), start, i, tokLine, tokCol);
      }
    } else if (isDigit(c) || (c === "." && isDigit(src[i + 1] ?? ""))) {
      const start = i;
      while (i < src.length && isDigit(src[i])) i++;
      if (src[i] === "." && isDigit(src[i + 1] ?? "")) {
        i++;
        while (i < src.length && isDigit(src[i])) i++;
      }
      if ((src[i] === "e" || src[i] === "E") && /[0-9+-]/.test(src[i + 1] ?? "")) {
        i += 2;
        while (i < src.length && isDigit(src[i])) i++;
      }
      push("number", src.slice(start, i), start, i, tokLine, tokCol);
    } else if (isLetter(c)) {
      const start = i;
      while (i < src.length && isWordChar(src[i])) i++;
      push("word", src.slice(start, i).toUpperCase(), start, i, tokLine, tokCol);
    } else if (c === ":" && (isWordChar(src[i + 1] ?? "") || src[i + 1] === '"')) {
      const start = i;
      i++;
      if (src[i] === '"') {
        const close = src.indexOf('"', i + 1);
        const end = close < 0 ? src.length : close + 1;
        push(close < 0 ? "error" : "bind", close < 0 ? "1740" : src.slice(i + 1, close), start, end, tokLine, tokCol);
        advanceLines(start, end);
        i = end;
      } else {
        while (i < src.length && isWordChar(src[i])) i++;
        push("bind", src.slice(start + 1, i).toUpperCase(), start, i, tokLine, tokCol);
      }
    } else {
      const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
      push("op", op, i, i + op.length, tokLine, tokCol);
      i += op.length;
    }
  }
  return out;
}
