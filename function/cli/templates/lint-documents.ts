import type { Report } from "./diagnostics";
import { ElSandbox } from "./el-sandbox";
import { checkTemplateString, type ExpressionContext } from "./lint-expressions";
import type { RequestTemplate, ResponseTemplate, SchemaFile } from "./template-types";
import {
  EL_VARIABLES,
  IDENTITY_ENTITY_TYPE,
  MANDATORY_IDENTITY_ATTRIBUTES,
  MANDATORY_OBJECT_ATTRIBUTES,
  PAGINATION_TYPES,
  PAGINATION_VARIABLES,
  type PaginationType,
} from "./vocabulary";

/** Checks that need one template document only. */

const ALL_PAGINATION_VARIABLES = new Set(Object.values(PAGINATION_VARIABLES).flat());

/** Variables a pagination type needs the request to read, or the request never pages. */
const PAGINATION_DRIVERS: Record<PaginationType, string> = {
  OFFSET: "currentOffset",
  PAGE_INCREMENT: "currentPage",
  PAGE_TOKEN: "previousRequestResponseHeaders",
};

/** Every string of a request that the connector evaluates, with its JSON path. */
function requestStrings(t: RequestTemplate, base: string): [string, string][] {
  const out: [string, string][] = [
    [`${base}.uri.path`, t.uri.path],
    [`${base}.uri.scheme`, t.uri.scheme],
    [`${base}.uri.host`, t.uri.host],
  ];
  (t.queryParameters ?? []).forEach((q, i) => out.push([`${base}.queryParameters[${i}].value`, q.value]));
  (t.headers ?? []).forEach((h, i) => out.push([`${base}.headers[${i}].value`, h.value]));
  if (t.body) out.push(...jsonStrings(t.body.textBody, `${base}.body.textBody`));
  return out;
}

/** Every string in a JSON value, with its JSON path: a JSON body is evaluated string by string in effect. */
function jsonStrings(value: unknown, path: string): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonStrings(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => jsonStrings(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}['${k}']`));
  }
  return [];
}

export function checkRequest(t: RequestTemplate, report: Report, base = "$", isSub = false): void {
  const type = t.paginationType;
  const ctx: ExpressionContext = {
    bound: [...(isSub ? EL_VARIABLES.subRequest : EL_VARIABLES.request), ...(type ? PAGINATION_VARIABLES[type] : [])],
    where: isSub ? "a sub-request" : "a main request",
    jsonPathAllowed: isSub,
  };
  const used = new Set<string>();
  for (const [path, value] of requestStrings(t, base)) {
    // Oracle's connector evaluates query parameters without the parent response and sends them as they are.
    const queryCtx = path.includes(".queryParameters[") ? { ...ctx, jsonPathAllowed: false, where: `a query parameter of ${ctx.where} (not evaluated against the parent response; put the value in the path or a POST .search body)` } : ctx;
    for (const v of checkTemplateString(value, path, queryCtx, report)) used.add(v);
  }
  if (type && !used.has(PAGINATION_DRIVERS[type])) {
    report(`${base}.paginationType`, `${type} pagination, but no <EL> reads ${PAGINATION_DRIVERS[type]}: every page would be the first`);
  }
  if (!type) {
    const paging = [...used].filter((v) => ALL_PAGINATION_VARIABLES.has(v));
    if (paging.length > 0) {
      report(`${base}.paginationType`, `uses ${paging.join(", ")} but sets no paginationType (one of ${PAGINATION_TYPES.join(", ")})`);
    }
  }
  if (t.body?.type === "text") {
    for (const [path, value] of jsonStrings(t.body.textBody, `${base}.body.textBody`)) {
      if (value.indexOf("UQ:", 1) > 0) report(path, 'UQ: must open the JSON string ("UQ:<EL>…</EL>")');
    }
  }
  const ids = new Map<string, number>();
  (t.subRequests ?? []).forEach((s, i) => {
    const seen = ids.get(s.id);
    if (seen !== undefined) report(`${base}.subRequests[${i}].id`, `duplicate sub-request id ${s.id} (also subRequests[${seen}])`);
    else ids.set(s.id, i);
    checkRequest(s, report, `${base}.subRequests[${i}]`, true);
  });
}

export function checkResponse(t: ResponseTemplate, report: Report, requestPagination: PaginationType | undefined): void {
  const attrCtx: ExpressionContext = { bound: EL_VARIABLES.response, where: "a response attribute", jsonPathAllowed: true };
  const valueCtx: ExpressionContext = {
    bound: [...EL_VARIABLES.responseValue, ...(requestPagination ? PAGINATION_VARIABLES[requestPagination] : [])],
    where: "a response value",
    jsonPathAllowed: true,
  };
  if (t.items) checkTemplateString(t.items, "$.items", attrCtx, report);
  (t.responseValues ?? []).forEach((rv, i) => checkTemplateString(rv.value, `$.responseValues[${i}].value`, valueCtx, report));
  const names = new Map<string, number>();
  (t.attributes ?? []).forEach((a, i) => {
    const path = `$.attributes[${i}]`;
    const seen = names.get(a.name);
    if (seen !== undefined) report(`${path}.name`, `duplicate attribute ${a.name} (also attributes[${seen}])`);
    else names.set(a.name, i);
    if (a.value !== undefined) {
      const used = checkTemplateString(a.value, `${path}.value`, attrCtx, report);
      if (t.items && a.value.includes("<JP>") && !used.has("currentIndex")) {
        report(`${path}.value`, "reads the response without currentIndex: every record would get the first item's value", "warning");
      }
    }
    if (a.items) checkTemplateString(a.items, `${path}.items`, attrCtx, report);
    (a.subAttributes ?? []).forEach((s, j) => checkTemplateString(s.value ?? "", `${path}.subAttributes[${j}].value`, attrCtx, report));
  });
}

export function checkSchema(file: SchemaFile, report: Report): void {
  const templates = new Map<string, number>();
  file.schemaTemplates.forEach((t, i) => {
    const path = `$.schemaTemplates[${i}]`;
    const seen = templates.get(t.name);
    if (seen !== undefined) report(`${path}.name`, `duplicate schema template ${t.name} (also schemaTemplates[${seen}])`);
    else templates.set(t.name, i);
    const attrs = new Map<string, number>();
    (t.attributes ?? []).forEach((a, j) => {
      const seenAttr = attrs.get(a.name);
      if (seenAttr !== undefined) report(`${path}.attributes[${j}].name`, `duplicate attribute ${a.name} (also attributes[${seenAttr}])`);
      else attrs.set(a.name, j);
      const script = a.outboundTransformation?.script;
      if (script !== undefined) {
        const problem = ElSandbox.syntaxError(script);
        if (problem) report(`${path}.attributes[${j}].outboundTransformation.script`, `does not compile: ${problem}`);
      }
      const widget = a.uiProperties?.widget;
      const multivalued = a.nature?.includes("MULTIVALUED") ?? false;
      if (widget === "RepeatableFieldSet" && !multivalued) {
        report(`${path}.attributes[${j}].uiProperties.widget`, "RepeatableFieldSet is for MULTIVALUED attributes");
      }
    });
    const mandatory: readonly string[] = t.type === IDENTITY_ENTITY_TYPE ? MANDATORY_IDENTITY_ATTRIBUTES : MANDATORY_OBJECT_ATTRIBUTES;
    // A LOOKUP may omit attributes altogether (its entries are code → label); if it declares some, uid and name.
    const missing = t.type === "LOOKUP" && t.attributes === undefined ? [] : mandatory.filter((m) => !attrs.has(m));
    if (missing.length > 0) {
      const what = t.type === IDENTITY_ENTITY_TYPE ? "the identity object class (type ACCOUNT)" : `a ${t.type} object class`;
      report(`${path}.attributes`, `${t.name} lacks attributes mandatory for ${what}: ${missing.join(", ")}`);
    }
    if (t.data && t.type !== "LOOKUP") report(`${path}.data`, "static data is only read for LOOKUP object classes", "warning");
  });
  file.schemaTemplates.forEach((t, i) =>
    (t.attributes ?? []).forEach((a, j) => {
      if (!a.relationship) return;
      const path = `$.schemaTemplates[${i}].attributes[${j}].relationship`;
      const target = file.schemaTemplates.find((x) => x.name === a.relationship?.relatedTo);
      if (!target) {
        report(`${path}.relatedTo`, `${a.relationship.relatedTo} is not a schema template here (have: ${[...templates.keys()].join(", ")})`);
      } else if (a.relationship.relatedBy !== undefined && target.type !== "LOOKUP" && !(target.attributes ?? []).some((x) => x.name === a.relationship?.relatedBy)) {
        // A LOOKUP's uid is implicit (its codes), so relatedBy "uid" needs no declared attribute there.
        report(`${path}.relatedBy`, `${target.name} has no attribute ${a.relationship.relatedBy}`);
      }
    }),
  );
}
