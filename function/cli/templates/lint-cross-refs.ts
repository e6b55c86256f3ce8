import { reporterFor, type Diagnostic } from "./diagnostics";
import { checkAttributeReads } from "./lint-attribute-reads";
import { operationKey, type AppTemplates } from "./lint-tree";
import type { RequestTemplate, SchemaTemplate } from "./template-types";

/** Checks across files of one application: folders against the schema, responses against requests. */

export function checkApplication(app: string, t: AppTemplates, sink: Diagnostic[]): void {
  const schemaTemplates = t.schema?.doc.schemaTemplates ?? [];
  const byName = new Map(schemaTemplates.map((s) => [s.name, s]));
  const anyFile = t.schema?.file ?? t.test?.file ?? t.requests[0]?.file ?? t.responses[0]?.file ?? app;
  if (!t.schema && !t.invalid.has("schema")) {
    reporterFor(anyFile, sink)("$", `application ${app} has no schema template (schema/applications/${app}/TEMPLATE.json)`);
  }
  if (t.schema && !t.test && !t.invalid.has("test")) {
    reporterFor(t.schema.file, sink)("$", `application ${app} has no test template (test/applications/${app}/TEMPLATE.json); Validate needs it`);
  }
  if (t.test) {
    const report = reporterFor(t.test.file, sink);
    if (t.test.doc.paginationType) report("$.paginationType", "a test template is sent once; pagination has no effect", "warning");
  }

  const requests = new Map(t.requests.map((r) => [operationKey(r.location), r]));
  for (const doc of [...t.requests, ...t.responses]) {
    const report = reporterFor(doc.file, sink);
    const { entity, childAttribute } = doc.location;
    const schema = byName.get(entity);
    if (t.schema && !schema) {
      report("$", `entity folder ${entity} is not a schema template of ${app} (have: ${[...byName.keys()].join(", ")})`);
      continue;
    }
    if (schema) checkAttributeReads(doc.doc, doc.location, schema, report);
    if (schema && childAttribute) {
      const attr = (schema.attributes ?? []).find((a) => a.name === childAttribute);
      if (!attr) report("$", `child-data folder ${childAttribute} is not an attribute of ${entity}`);
      else if (!attr.nature?.includes("MULTIVALUED")) report("$", `child-data folder ${childAttribute}: ${entity}.${childAttribute} is not MULTIVALUED`);
    }
  }

  for (const r of t.responses) {
    const report = reporterFor(r.file, sink);
    const request = requests.get(operationKey(r.location))?.doc;
    if (!request && t.invalid.has(`request:${operationKey(r.location)}`)) continue;
    if (!request) {
      report("$", `no request template for this response (request/applications/${operationKey(r.location)}_TEMPLATE.json)`);
      continue;
    }
    const schema = byName.get(r.location.entity);
    checkResponseAgainstRequest(r.doc, request, report);
    if (schema) checkResponseAgainstSchema(r.doc, schema, byName, report);
  }
  for (const q of t.requests) {
    const key = operationKey(q.location);
    const hasResponse = t.responses.some((r) => operationKey(r.location) === key) || t.invalid.has(`response:${key}`);
    if (!hasResponse && (q.location.operation === "SEARCH" || q.location.operation === "GET")) {
      reporterFor(q.file, sink)("$", `${q.location.operation} has no response template: nothing maps what the target answers`);
    }
  }
}

type Report = ReturnType<typeof reporterFor>;

function checkResponseAgainstRequest(
  response: NonNullable<AppTemplates["responses"][number]["doc"]>,
  request: RequestTemplate,
  report: Report,
): void {
  const subIds = (request.subRequests ?? []).map((s) => s.id);
  const consumed = new Set<string>();
  (response.attributes ?? []).forEach((a, i) => {
    if (a.responseOfSubRequestId === undefined) return;
    consumed.add(a.responseOfSubRequestId);
    if (!subIds.includes(a.responseOfSubRequestId)) {
      report(
        `$.attributes[${i}].responseOfSubRequestId`,
        `names sub-request ${a.responseOfSubRequestId}, which the request does not have (sub-requests: ${subIds.join(", ") || "none"})`,
      );
    }
  });
  (request.subRequests ?? []).forEach((s) => {
    if (!consumed.has(s.id)) report("$.attributes", `no attribute takes sub-request ${s.id}'s results (responseOfSubRequestId)`, "warning");
  });
  if (request.paginationType && !response.items) {
    report("$.items", `the request pages (${request.paginationType}) but the response has no items: paging stops on an empty items list`);
  }
  if (request.paginationType === "PAGE_TOKEN") {
    const names = (response.responseValues ?? []).map((v) => v.name);
    if (names.length === 0) {
      report("$.responseValues", "PAGE_TOKEN pagination needs a response value (the next page's token)");
    } else {
      const text = JSON.stringify(request);
      for (const n of names) {
        if (!text.includes(`previousRequestResponseHeaders.get('${n}')`) && !text.includes(`previousRequestResponseHeaders.get(\\"${n}\\")`)) {
          report("$.responseValues", `the request never reads response value ${n} (previousRequestResponseHeaders.get('${n}'))`);
        }
      }
    }
  }
}

function checkResponseAgainstSchema(
  response: NonNullable<AppTemplates["responses"][number]["doc"]>,
  schema: SchemaTemplate,
  byName: Map<string, SchemaTemplate>,
  report: Report,
): void {
  (response.attributes ?? []).forEach((a, i) => {
    const path = `$.attributes[${i}]`;
    const attr = (schema.attributes ?? []).find((x) => x.name === a.name);
    if (!attr) {
      report(`${path}.name`, `${a.name} is not an attribute of ${schema.name}`);
      return;
    }
    if (a.responseOfSubRequestId === undefined) return;
    if (!attr.nature?.includes("MULTIVALUED")) report(`${path}.name`, `${a.name} takes a sub-request's records but is not MULTIVALUED in ${schema.name}`);
    const related = attr.relationship ? byName.get(attr.relationship.relatedTo) : undefined;
    if (!related) return;
    (a.subAttributes ?? []).forEach((s, j) => {
      if (!(related.attributes ?? []).some((x) => x.name === s.name)) {
        report(`${path}.subAttributes[${j}].name`, `${s.name} is not an attribute of ${related.name} (${a.name} relates to it)`);
      }
    });
  });
}
