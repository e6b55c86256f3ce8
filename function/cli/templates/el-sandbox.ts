import vm from "node:vm";

/**
 * Evaluates `<EL>` expressions as JavaScript, the connector's dialect, inside a separate V8 context:
 * no Node globals, no code generation from strings, frozen built-ins, a time limit per expression
 * (microtasks included). Variables are bound per evaluation through a frozen scope object and behave
 * like the Java collections the connector binds: `attributes.get('uid').get(0)`, `.size()`, `.isEmpty()`.
 * Values spliced into an expression come from the target's responses, hence the sandbox.
 */

export type ElValue = string | string[] | null;

/** Plain JSON-able data; maps and lists become Java-like collections inside the sandbox. */
export type ElVariables = Record<string, unknown>;

export class ElError extends Error {
  override name = "ElError";
}

const BOOTSTRAP = `
"use strict";
(() => {
  class JList extends Array {
    get(i) { const v = this[i]; return v === undefined ? null : v; }
    size() { return this.length; }
    isEmpty() { return this.length === 0; }
    contains(x) { return this.includes(x); }
    toString() { return "[" + this.join(", ") + "]"; }
  }
  class JMap {
    #m;
    constructor(entries) { this.#m = new Map(entries); Object.freeze(this); }
    get(k) { return this.#m.has(k) ? this.#m.get(k) : null; }
    getOrDefault(k, d) { return this.#m.has(k) ? this.#m.get(k) : d; }
    containsKey(k) { return this.#m.has(k); }
    keySet() { return Object.freeze(JList.from(this.#m.keys())); }
    size() { return this.#m.size; }
    isEmpty() { return this.#m.size === 0; }
    toString() { return "{" + [...this.#m].map(([k, v]) => k + "=" + v).join(", ") + "}"; }
  }
  const wrap = (v) =>
    Array.isArray(v) ? Object.freeze(JList.from(v, wrap))
    : v !== null && typeof v === "object" ? new JMap(Object.entries(v).map(([k, x]) => [k, wrap(x)]))
    : v;
  let scope = Object.freeze(Object.create(null));
  let pending;
  const define = (name, value) => Object.defineProperty(globalThis, name, { value });
  define("__bind", (json) => {
    const s = Object.create(null);
    for (const [k, v] of Object.entries(JSON.parse(json))) s[k] = wrap(v);
    scope = Object.freeze(s);
  });
  define("__scope", () => scope);
  const text = (v) => {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return Array.from(v, (x) => (x === null || x === undefined ? "null" : String(x)));
    return String(v);
  };
  define("__emit", text);
  define("__hold", (v) => { pending = v; });
  define("__text", () => {
    const v = pending;
    pending = undefined;
    return text(v);
  });
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const v = globalThis[name];
    if (v !== null && (typeof v === "object" || typeof v === "function") && v !== globalThis) {
      Object.freeze(v);
      if (v.prototype) Object.freeze(v.prototype);
    }
  }
  for (const proto of [JList.prototype, JMap.prototype, Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async () => {})]) Object.freeze(proto);
})();
`;

export interface ElSandboxOptions {
  /** Per-expression time limit. */
  timeoutMs?: number;
}

/** A compiled expression: one run when it is an expression, two (value, then text) when it is statements. */
interface Compiled {
  script: vm.Script;
  statements: boolean;
}

const BARE_IDENTIFIER = /^\s*([A-Za-z_$][\w$]*)\s*$/;

export class ElSandbox {
  private readonly context: vm.Context;
  private readonly timeoutMs: number;
  private readonly bind: (json: string) => void;
  private readonly hold: (value: unknown) => void;
  private readonly toText = new vm.Script("__text()");
  private readonly compiled = new Map<string, Compiled>();
  private bound = "";

  constructor(options: ElSandboxOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 200;
    this.context = vm.createContext(Object.create(null), {
      name: "template EL",
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: "afterEvaluate",
    });
    vm.runInContext(BOOTSTRAP, this.context, { timeout: 1000 });
    this.bind = vm.runInContext("__bind", this.context) as (json: string) => void;
    this.hold = vm.runInContext("__hold", this.context) as (value: unknown) => void;
  }

  /** Runs `source` with `variables` in scope; the result as the connector splices it (text, a list, or null). */
  evaluate(source: string, variables: ElVariables): ElValue {
    // Reading one variable holding a plain value needs no script (and no watchdog, which costs ~0.2 ms a run).
    const name = BARE_IDENTIFIER.exec(source)?.[1];
    const direct = name !== undefined && Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (typeof direct === "number" || typeof direct === "string" || typeof direct === "boolean") return String(direct);
    const { script, statements } = this.script(source);
    const json = JSON.stringify(variables);
    if (json !== this.bound) {
      this.bind(json);
      this.bound = json;
    }
    const run = (s: vm.Script): unknown => s.runInContext(this.context, { timeout: this.timeoutMs });
    try {
      let text: unknown;
      if (statements) {
        // The completion value of the statements; converting it runs in the sandbox too (its toString is template code).
        this.hold(run(script));
        text = run(this.toText);
      } else text = run(script);
      return Array.isArray(text) ? Array.from(text, String) : text === null ? null : String(text);
    } catch (err) {
      throw new ElError(`<EL>${source}</EL> failed: ${describe(err)}`);
    }
  }

  /** Compiles without running: a syntax error as a message, or null. */
  static syntaxError(source: string): string | null {
    try {
      new vm.Script(statementsSource(source));
      return null;
    } catch (err) {
      return describe(err);
    }
  }

  private script(source: string): Compiled {
    let compiled = this.compiled.get(source);
    if (!compiled) {
      compiled = compile(source);
      if (this.compiled.size > 5000) this.compiled.clear();
      this.compiled.set(source, compiled);
    }
    return compiled;
  }
}

/** `with` puts the variables in scope; the block's completion value is the result. */
function statementsSource(source: string): string {
  return `with (__scope()) {\n${source}\n}`;
}

function compile(source: string): Compiled {
  try {
    // Most expressions are single expressions: value and text in one run.
    return { script: new vm.Script(`with (__scope()) __emit((\n${source}\n));`, { filename: "EL" }), statements: false };
  } catch {
    try {
      return { script: new vm.Script(statementsSource(source), { filename: "EL" }), statements: true };
    } catch (err) {
      throw new ElError(`<EL>${source}</EL> does not compile: ${describe(err)}`);
    }
  }
}

function describe(err: unknown): string {
  // Errors thrown inside the sandbox are not instances of this realm's Error.
  if (err && typeof err === "object" && "message" in err) {
    const e = err as { name?: unknown; message?: unknown };
    return `${typeof e.name === "string" ? e.name + ": " : ""}${String(e.message)}`;
  }
  return String(err);
}
