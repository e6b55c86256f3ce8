import { join } from "node:path";
import { pointerToJsonPath, type Diagnostic } from "./diagnostics";
import { outlineValidators } from "./template-loader";
import { classifyTemplatePath, listFiles, readJsonFile, TemplateFileError, type OperationLocation } from "./template-files";
import type { RequestTemplate, ResponseTemplate, SchemaFile } from "./template-types";

/** The templates tree, parsed: every file that is valid JSON and matches its outline, by application. */

export interface Doc<T, L> {
  /** Path as reported (relative to the repository). */
  file: string;
  location: L;
  doc: T;
}

export type OperationDoc<T> = Doc<T, OperationLocation>;

export interface AppTemplates {
  schema?: Doc<SchemaFile, { app: string }>;
  test?: Doc<RequestTemplate, { app: string }>;
  requests: OperationDoc<RequestTemplate>[];
  responses: OperationDoc<ResponseTemplate>[];
  /** Templates present but failing their outline (`<kind>:<operationKey>` or `<kind>`): already reported, so
   * cross-file checks treat them as present rather than report them missing. */
  invalid: Set<string>;
}

export interface TemplateTree {
  files: number;
  apps: Map<string, AppTemplates>;
}

/** `<App>/<Entity>[/<child>]/<OP>`: pairs a request with its response. */
export const operationKey = (l: OperationLocation) =>
  [l.app, l.entity, ...(l.childAttribute ? [l.childAttribute] : []), l.operation].join("/");

export function loadTemplateTree(root: string, displayPrefix: string, sink: Diagnostic[]): TemplateTree {
  const tree: TemplateTree = { files: 0, apps: new Map() };
  const app = (name: string) => {
    let a = tree.apps.get(name);
    if (!a) tree.apps.set(name, (a = { requests: [], responses: [], invalid: new Set() }));
    return a;
  };
  const v = outlineValidators();
  // Notes for authors (README.md) may sit anywhere; every other file must be a template in its place.
  for (const rel of listFiles(root).filter((f) => !f.endsWith(".md"))) {
    tree.files++;
    const file = `${displayPrefix}${rel}`;
    const where = classifyTemplatePath(rel);
    if (!where.ok) {
      sink.push({ severity: "error", file, path: "$", message: `not a template location: ${where.reason}` });
      continue;
    }
    let value: unknown;
    try {
      value = readJsonFile(join(root, rel));
    } catch (err) {
      if (!(err instanceof TemplateFileError)) throw err;
      sink.push({ severity: "error", file, path: "$", message: err.message.replace(`${join(root, rel)} `, "") });
      continue;
    }
    const loc = where.location;
    const validate = loc.kind === "schema" ? v.schema : loc.kind === "response" ? v.response : v.request;
    if (!validate(value)) {
      for (const e of (validate.errors ?? []).filter((x) => x.keyword !== "if")) {
        const detail = e.keyword === "enum" ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}` : "";
        const extra = e.keyword === "additionalProperties" ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : "";
        sink.push({ severity: "error", file, path: pointerToJsonPath(e.instancePath), message: `${e.message ?? "invalid"}${detail}${extra}` });
      }
      app(loc.app).invalid.add("entity" in loc ? `${loc.kind}:${operationKey(loc)}` : loc.kind);
      continue;
    }
    const a = app(loc.app);
    if (!("entity" in loc)) {
      if (loc.kind === "schema") a.schema = { file, location: { app: loc.app }, doc: value as SchemaFile };
      else a.test = { file, location: { app: loc.app }, doc: value as RequestTemplate };
    } else if (loc.kind === "request") a.requests.push({ file, location: loc, doc: value as RequestTemplate });
    else a.responses.push({ file, location: loc, doc: value as ResponseTemplate });
  }
  return tree;
}
