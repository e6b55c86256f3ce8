import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === ".gen" || name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative module a file imports or requires, resolved to a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](\.[^"']+)["']/g)].map((m) => m[1]);
  return specs.map((s) => relative(ROOT, resolve(dirname(file), s)));
}

describe("infra ↔ function boundary", () => {
  it("infra imports no function code: it runs the function's builds and loads what they produced", () => {
    const crossings = sources(join(ROOT, "infra")).flatMap((f) =>
      importsOf(f).filter((i) => i.startsWith("function/")).map((i) => `${relative(ROOT, f)} → ${i}`),
    );
    expect(crossings).toEqual([]);
  });

  it("the deployed function (function/src) imports nothing from infra", () => {
    const crossings = sources(join(ROOT, "function/src")).flatMap((f) =>
      importsOf(f).filter((i) => i.startsWith("infra/")).map((i) => `${relative(ROOT, f)} → ${i}`),
    );
    expect(crossings).toEqual([]);
  });
});
