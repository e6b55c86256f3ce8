import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { TEMPLATE_KINDS, type TemplateKind } from "../../src/governance/operations";
import { CHILD_DATA_OPERATIONS, OPERATIONS, type Operation } from "./vocabulary";

/**
 * Where templates live, as Access Governance's template functions look them up:
 * `<kind>/applications/<App>/TEMPLATE.json` (schema, test),
 * `<kind>/applications/<App>/<Entity>/<OPERATION>_TEMPLATE.json` (request, response) and
 * `<kind>/applications/<App>/<Entity>/<childAttribute>/{ADD,REMOVE}_CHILD_DATA_TEMPLATE.json`.
 */

export interface AppLocation {
  kind: "schema" | "test";
  app: string;
}
export interface OperationLocation {
  kind: "request" | "response";
  app: string;
  entity: string;
  operation: Operation;
  childAttribute?: string;
}
export type TemplateLocation = AppLocation | OperationLocation;

export function templateFile(root: string, loc: TemplateLocation): string {
  const base = join(root, loc.kind, "applications", loc.app);
  if (!("entity" in loc)) return join(base, "TEMPLATE.json");
  return join(base, loc.entity, ...(loc.childAttribute ? [loc.childAttribute] : []), `${loc.operation}_TEMPLATE.json`);
}

/** What a path (relative to the templates root, `/`-separated) is, or why it has no place in the tree. */
export function classifyTemplatePath(rel: string): { ok: true; location: TemplateLocation } | { ok: false; reason: string } {
  const parts = rel.split("/");
  const [kind, applications, app, ...rest] = parts;
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, reason: `top folder must be one of ${TEMPLATE_KINDS.join(", ")}` };
  }
  if (applications !== "applications" || !app || rest.length === 0) {
    return { ok: false, reason: `expected ${kind}/applications/<App>/…` };
  }
  const k = kind as TemplateKind;
  if (k === "schema" || k === "test") {
    return rest.length === 1 && rest[0] === "TEMPLATE.json"
      ? { ok: true, location: { kind: k, app } }
      : { ok: false, reason: `a ${k} template must be ${kind}/applications/${app}/TEMPLATE.json` };
  }
  const fileName = rest[rest.length - 1];
  const m = /^([A-Z_]+)_TEMPLATE\.json$/.exec(fileName);
  const operation = m?.[1] as Operation | undefined;
  if (!operation || !(OPERATIONS as readonly string[]).includes(operation)) {
    return { ok: false, reason: `file name must be <OPERATION>_TEMPLATE.json with OPERATION one of ${OPERATIONS.join(", ")}` };
  }
  const childData = CHILD_DATA_OPERATIONS.has(operation);
  if (childData && rest.length !== 3) {
    return { ok: false, reason: `${operation} templates belong in ${kind}/applications/${app}/<Entity>/<childAttribute>/` };
  }
  if (!childData && rest.length !== 2) {
    return { ok: false, reason: `${operation} templates belong in ${kind}/applications/${app}/<Entity>/` };
  }
  return {
    ok: true,
    location: { kind: k, app, entity: rest[0], operation, ...(childData ? { childAttribute: rest[1] } : {}) },
  };
}

/** Every file below `root`, as `/`-separated paths relative to it, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full).split(sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

export class TemplateFileError extends Error {
  override name = "TemplateFileError";
}

/** Reads and parses one JSON file; the error names the file and what is wrong, never the content. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TemplateFileError(code === "ENOENT" ? `${file} does not exist` : `${file} cannot be read (${code ?? "error"})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TemplateFileError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
