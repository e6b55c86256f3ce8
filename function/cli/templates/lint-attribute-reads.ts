import type { Report } from "./diagnostics";
import type { OperationLocation } from "./template-files";
import type { RequestTemplate, ResponseTemplate, SchemaTemplate } from "./template-types";

/**
 * What Access Governance puts in `attributes` for an operation: nothing for SEARCH, the account's uid for the
 * operations on an existing account, the child attribute for ADD/REMOVE_CHILD_DATA, and only attributes whose
 * usage includes PROVISION for the rest. A template reading anything else gets a missing value at run time
 * (an invalid body, a `null`, or a request the connector skips).
 */

/** Every `attributes.get('name')` in a template, with the JSON path of the string it sits in. */
export function attributeReads(doc: unknown, path = "$"): { path: string; name: string }[] {
  if (typeof doc === "string") return [...doc.matchAll(/\battributes\.get\(\s*(['"])([^'"]*)\1\s*\)/g)].map((m) => ({ path, name: m[2] }));
  if (Array.isArray(doc)) return doc.flatMap((v, i) => attributeReads(v, `${path}[${i}]`));
  if (doc !== null && typeof doc === "object") {
    return Object.entries(doc).flatMap(([k, v]) => attributeReads(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}['${k}']`));
  }
  return [];
}

export function checkAttributeReads(doc: RequestTemplate | ResponseTemplate, at: OperationLocation, schema: SchemaTemplate, report: Report): void {
  const { operation, childAttribute } = at;
  for (const { path, name } of attributeReads(doc)) {
    if (operation === "SEARCH") {
      report(path, `reads attribute ${name}, but Access Governance sends no attributes for SEARCH`);
      continue;
    }
    const attr = (schema.attributes ?? []).find((a) => a.name === name);
    if (!attr) {
      report(path, `reads attribute ${name}, which ${schema.name} does not declare`);
      continue;
    }
    const provisioned = attr.usage?.includes("PROVISION") ?? false;
    if (provisioned || name === childAttribute) continue;
    if (name === "uid") {
      if (operation === "CREATE") report(path, "reads uid in CREATE: the account has no uid until the target assigns one (map it in the response)");
      continue;
    }
    report(path, `reads ${name}, which ${schema.name} declares without PROVISION usage (${(attr.usage ?? []).join(", ") || "no usage"}): Access Governance does not send it for ${operation}`);
  }
}

/** JSON keys whose string is query text for a target that binds values (ORDS REST-enabled SQL: `binds`). */
const BINDABLE_TEXT = new Set(["statementText"]);

/**
 * A value spliced into query text where the target offers bind variables: the connector splices it without
 * escaping, so a quote in the value changes the statement. Bind it instead (ORDS: `"binds": [{"name",
 * "data_type", "value": "<EL>…</EL>"}]` and `:name` in the statement).
 */
export function checkBindableText(doc: RequestTemplate, report: Report, base = "$"): void {
  const visit = (v: unknown, path: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${path}[${i}]`));
    if (v === null || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}.${k}`;
      if (BINDABLE_TEXT.has(k) && typeof x === "string" && /<EL>|<JP>/.test(x)) {
        report(p, `an expression spliced into ${k}: the connector does not escape it, so a quote in the value rewrites the SQL; use a bind variable (:name in the statement, the value in binds)`);
      } else {
        visit(x, p);
      }
    }
  };
  if (doc.body?.type === "text") visit(doc.body.textBody, `${base}.body.textBody`);
  (doc.subRequests ?? []).forEach((s, i) => checkBindableText(s, report, `${base}.subRequests[${i}]`));
}
