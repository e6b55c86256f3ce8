import type { ElSandbox } from "./el-sandbox";
import { evaluateTemplateString, type Evaluated } from "./expressions";
import { evaluateJsonPath } from "./jsonpath";
import { selectItems } from "./paging";
import type { ResponseAttribute, ResponseTemplate } from "./template-types";

/** A mapped record: attribute → values, or for a sub-request attribute a list of sub-records. */
export type SubRecord = Record<string, string[]>;
export type MappedValue = string[] | SubRecord[];
export type MappedRecord = Record<string, MappedValue>;

/** Sub-request response bodies by parent item index and sub-request id. */
export type SubResponses = Map<string, unknown[]>;
export const subResponseKey = (parentIndex: number, subRequestId: string) => `${parentIndex}::${subRequestId}`;

const valuesOf = (r: Evaluated): string[] =>
  r.kind === "list" ? r.values : r.kind === "value" && r.text !== null ? [r.text] : [];

/**
 * Maps one page through the response template: one record per item (`currentIndex` = item index), or one
 * record for the whole body when there is no items path. Sub-request attributes enumerate their own items
 * in each sub-response (`currentIndex` = sub-item index).
 */
export function mapPage(
  template: ResponseTemplate,
  document: unknown,
  itemCount: number | undefined,
  subResponses: SubResponses,
  attributes: Record<string, unknown>,
  sandbox: ElSandbox,
): MappedRecord[] {
  const evaluate = (value: string, doc: unknown, currentIndex: number) =>
    valuesOf(
      evaluateTemplateString(value, {
        el: (source) => sandbox.evaluate(source, { attributes, currentIndex }),
        jp: (path) => evaluateJsonPath(path, doc),
      }),
    );
  const at = <T>(name: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof Error) err.message = `response attribute ${name}: ${err.message}`;
      throw err;
    }
  };
  const records: MappedRecord[] = [];
  const count = itemCount ?? 1;
  for (let index = 0; index < count; index++) {
    const record: MappedRecord = {};
    for (const attr of template.attributes ?? []) {
      record[attr.name] = at(attr.name, () =>
        attr.responseOfSubRequestId
          ? mapSubAttribute(attr, subResponses.get(subResponseKey(index, attr.responseOfSubRequestId)) ?? [], evaluate)
          : evaluate(attr.value ?? "", document, index),
      );
    }
    records.push(record);
  }
  return records;
}

function mapSubAttribute(
  attr: ResponseAttribute,
  documents: unknown[],
  evaluate: (value: string, doc: unknown, currentIndex: number) => string[],
): SubRecord[] {
  const out: SubRecord[] = [];
  for (const doc of documents) {
    const count = attr.items ? selectItems(attr.items, doc).length : 1;
    for (let j = 0; j < count; j++) {
      const sub: SubRecord = {};
      for (const s of attr.subAttributes ?? []) sub[s.name] = evaluate(s.value ?? "", doc, j);
      out.push(sub);
    }
  }
  return out;
}
