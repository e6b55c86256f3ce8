import { isEntityRequest, type TemplateRequest } from "../input";
import type { CustomAttribute, DiscoveryProfile } from "./custom-attribute";

type Json = Record<string, unknown>;

/** Whether a template is one the custom attributes change: the schema, and the identity class's SEARCH and GET. */
export function takesCustomAttributes(req: TemplateRequest, profile: DiscoveryProfile): boolean {
  if (req.kind === "schema") return true;
  if (!isEntityRequest(req)) return false;
  const reads = req.entity === profile.identityEntity && (req.operation === "SEARCH" || req.operation === "GET");
  return reads && (req.kind === "response" || profile.selectParameter !== undefined);
}

/** Schema template: the identity class gains one READ attribute per custom attribute. */
function addToSchema(template: Json, profile: DiscoveryProfile, attrs: readonly CustomAttribute[]): Json {
  const classes = template.schemaTemplates as Json[];
  for (const c of classes) {
    if (c.name !== profile.identityEntity) continue;
    const extra = attrs.map((a) => ({ name: a.name, dataType: a.dataType, ...(a.multiValued ? { nature: ["MULTIVALUED"] } : {}), usage: ["READ"] }));
    c.attributes = [...(c.attributes as Json[]), ...extra];
  }
  return template;
}

function addToResponse(template: Json, profile: DiscoveryProfile, attrs: readonly CustomAttribute[], operation: "SEARCH" | "GET"): Json {
  template.attributes = [...(template.attributes as Json[]), ...attrs.map((a) => ({ name: a.name, value: profile.responseValue(a, operation) }))];
  return template;
}

/** Request template: the select parameter (at the top level) lists the custom attributes too. */
function addToRequest(template: Json, parameter: string, attrs: readonly CustomAttribute[]): Json {
  const params = (template.queryParameters ?? []) as { name: string; value: string }[];
  const select = params.find((p) => p.name === parameter);
  if (select) select.value = [select.value, ...attrs.map((a) => a.name)].join(",");
  return template;
}

/** The template with the custom attributes merged in (the template is a fresh copy, changed in place). */
export function withCustomAttributes(req: TemplateRequest, template: Json, profile: DiscoveryProfile, attrs: readonly CustomAttribute[]): Json {
  if (attrs.length === 0) return template;
  if (!isEntityRequest(req)) return req.kind === "schema" ? addToSchema(template, profile, attrs) : template;
  const operation = req.operation === "GET" ? "GET" : "SEARCH";
  if (req.kind === "response") return addToResponse(template, profile, attrs, operation);
  return profile.selectParameter ? addToRequest(template, profile.selectParameter, attrs) : template;
}
