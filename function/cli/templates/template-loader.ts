import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import { pointerToJsonPath } from "./diagnostics";
import { compileOutlineValidators, type OutlineValidators } from "./outline-schemas";
import { readJsonFile, templateFile, TemplateFileError, type OperationLocation, type TemplateLocation } from "./template-files";
import type { RequestTemplate, ResponseTemplate, SchemaFile } from "./template-types";

/** Loads templates for running them, rejecting any that does not match its outline. */

let validators: OutlineValidators | undefined;
export const outlineValidators = (): OutlineValidators => (validators ??= compileOutlineValidators());

export function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${pointerToJsonPath(e.instancePath)}: ${e.message ?? "is invalid"}`).join("; ");
}

function load<T>(
  root: string,
  loc: TemplateLocation,
  validate: ((v: unknown) => v is T) & { errors?: ErrorObject[] | null },
  prepare: (raw: unknown, file: string) => unknown = (raw) => raw,
): T {
  const file = templateFile(root, loc);
  const value = prepare(readJsonFile(file), file);
  if (!validate(value)) throw new TemplateFileError(`${file} does not match the ${loc.kind} outline: ${describeAjvErrors(validate.errors)}`);
  return value;
}

type At = Omit<OperationLocation, "kind">;

/** `prepare` sees the file's JSON before validation (the template functions' rewriting, for instance). */
export function loadRequestTemplate(root: string, at: At, prepare: (raw: unknown, file: string) => unknown = (raw) => raw): RequestTemplate {
  return load(root, { kind: "request", ...at }, outlineValidators().request, prepare);
}

/** undefined when the operation has no response template (DELETE, typically). */
export function loadResponseTemplate(root: string, at: At): ResponseTemplate | undefined {
  const loc = { kind: "response", ...at } as const;
  return existsSync(templateFile(root, loc)) ? load(root, loc, outlineValidators().response) : undefined;
}

export function loadSchemaFile(root: string, app: string): SchemaFile | undefined {
  const loc = { kind: "schema", app } as const;
  return existsSync(templateFile(root, loc)) ? load(root, loc, outlineValidators().schema) : undefined;
}

/** Sub-folders of a folder ("" when it does not exist), for "did you mean" lists. */
export function folderNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
}

export const applicationsDir = (root: string, kind: string) => join(root, kind, "applications");
