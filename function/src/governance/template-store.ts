import { GovernanceError } from "./errors";
import { isEntityRequest, type TemplateRequest } from "./input";
import { TEMPLATE_FILES } from "./template-index";

/** Where a template lives, as the reference functions look it up (relative to templates/). */
export function templatePath(req: TemplateRequest, app: string): string {
  const base = `${req.kind}/applications/${app}`;
  if (!isEntityRequest(req)) return `${base}/TEMPLATE.json`;
  return `${base}/${req.entity}/${req.childAttribute ? `${req.childAttribute}/` : ""}${req.operation}_TEMPLATE.json`;
}

function entitiesOf(kind: string, app: string): string[] {
  const prefix = `${kind}/applications/${app}/`;
  const names = Object.keys(TEMPLATE_FILES)
    .filter((p) => p.startsWith(prefix))
    .map((p) => p.slice(prefix.length).split("/"))
    .filter((parts) => parts.length > 1)
    .map((parts) => parts[0]);
  return [...new Set(names)].sort();
}

/**
 * The template for a request as a fresh copy (callers modify it). Errors say which part is unknown — the
 * entity, or only this operation's template — and name the path that was looked for.
 */
export function loadTemplate(req: TemplateRequest, app: string): { path: string; template: Record<string, unknown> } {
  const path = templatePath(req, app);
  const found = TEMPLATE_FILES[path];
  if (found !== undefined) return { path, template: structuredClone(found) as Record<string, unknown> };
  if (isEntityRequest(req)) {
    const known = entitiesOf(req.kind, app);
    if (!known.includes(req.entity)) {
      throw new GovernanceError(404, "unknown_entity", `entity "${req.entity}" has no ${req.kind} templates for application ${app}; known entities: ${known.join(", ") || "none"}`);
    }
  }
  throw new GovernanceError(404, "missing_template", `no ${req.kind} template at templates/${path}`);
}

/** Attribute names of one class of an application's shipped schema template. */
export function staticAttributeNames(app: string, className: string): ReadonlySet<string> {
  const schema = TEMPLATE_FILES[`schema/applications/${app}/TEMPLATE.json`] as { schemaTemplates?: { name: string; attributes?: { name: string }[] }[] } | undefined;
  const cls = schema?.schemaTemplates?.find((t) => t.name === className);
  return new Set((cls?.attributes ?? []).map((a) => a.name));
}
