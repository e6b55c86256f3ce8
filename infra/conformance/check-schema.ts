/**
 * Checks synthesized Terraform JSON against a provider schema document (the `terraform providers schema -json`
 * shape), standing in for `terraform validate` where the provider plugin cannot be installed: unknown
 * attributes, missing required ones, computed-only attributes that are set, value types, block nesting and
 * min/max item counts.
 */

export type CtyType = string | [string, unknown];

export interface SchemaAttribute {
  type?: CtyType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number }>;
}

export interface ProviderSchemaDoc {
  provider_schemas: Record<
    string,
    {
      provider: { block: SchemaBlock };
      resource_schemas?: Record<string, { block: SchemaBlock }>;
      data_source_schemas?: Record<string, { block: SchemaBlock }>;
    }
  >;
}

export interface Finding {
  path: string;
  problem: string;
}

export interface ConformanceReport {
  findings: Finding[];
  /** Resources and data sources checked, as "resource.<type>.<name>" / "data.<type>.<name>". */
  checked: string[];
  /** Elements of providers the schema does not cover (e.g. null, random), listed so nothing is silently passed. */
  unchecked: string[];
}

/** Terraform meta-arguments, valid on every resource/data source whatever the provider schema says. */
const META = new Set(["//", "depends_on", "provider", "count", "for_each", "lifecycle", "provisioner", "connection"]);

const isExpression = (v: unknown) => typeof v === "string" && v.includes("${");

function describeType(t: CtyType): string {
  return typeof t === "string" ? t : JSON.stringify(t);
}

/** Whether `v` can be converted to cty type `t` (Terraform's automatic conversions included). */
function checkType(v: unknown, t: CtyType, path: string, out: Finding[]): void {
  if (v === null || isExpression(v)) return;
  const bad = (): void => void out.push({ path, problem: `expected ${describeType(t)}, got ${JSON.stringify(v).slice(0, 60)}` });
  if (typeof t === "string") {
    switch (t) {
      case "string":
        if (!["string", "number", "boolean"].includes(typeof v)) bad();
        return;
      case "number":
        if (!(typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))))) bad();
        return;
      case "bool":
        if (!(typeof v === "boolean" || v === "true" || v === "false")) bad();
        return;
      case "dynamic":
        return;
      default:
        out.push({ path, problem: `schema uses unknown type ${t}` });
        return;
    }
  }
  const [kind, inner] = t;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(v)) return bad();
    v.forEach((item, i) => checkType(item, inner as CtyType, `${path}[${i}]`, out));
    return;
  }
  if (kind === "map") {
    if (typeof v !== "object" || Array.isArray(v)) return bad();
    for (const [k, item] of Object.entries(v as object)) checkType(item, inner as CtyType, `${path}.${k}`, out);
    return;
  }
  if (kind === "object") {
    if (typeof v !== "object" || Array.isArray(v)) return bad();
    const attrs = inner as Record<string, CtyType>;
    for (const [k, item] of Object.entries(v as object)) {
      if (!(k in attrs)) out.push({ path: `${path}.${k}`, problem: "unknown object attribute" });
      else checkType(item, attrs[k], `${path}.${k}`, out);
    }
    return;
  }
  out.push({ path, problem: `schema uses unknown type ${describeType(t)}` });
}

/** Validates one block body (a resource, data source, provider or nested block). */
export function checkBlock(body: Record<string, unknown>, schema: SchemaBlock, path: string, meta = false): Finding[] {
  const out: Finding[] = [];
  const attrs = schema.attributes ?? {};
  const blocks = schema.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    const at = `${path}.${key}`;
    if (meta && META.has(key)) continue;
    const attr = attrs[key];
    if (attr) {
      if (!attr.required && !attr.optional) out.push({ path: at, problem: "computed-only attribute cannot be set" });
      else checkType(value, attr.type ?? "dynamic", at, out);
      continue;
    }
    const block = blocks[key];
    if (!block) {
      out.push({ path: at, problem: "unknown attribute or block" });
      continue;
    }
    if (isExpression(value)) {
      out.push({ path: at, problem: `${key} is a block; it cannot be set from an expression` });
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    if (block.nesting_mode === "single" && Array.isArray(value)) {
      out.push({ path: at, problem: "single block given as a list" });
    }
    if (block.max_items !== undefined && block.max_items > 0 && items.length > block.max_items) {
      out.push({ path: at, problem: `at most ${block.max_items} ${key} block(s), got ${items.length}` });
    }
    if (block.min_items !== undefined && items.length < block.min_items) {
      out.push({ path: at, problem: `at least ${block.min_items} ${key} block(s), got ${items.length}` });
    }
    items.forEach((item, i) => {
      const ip = Array.isArray(value) ? `${at}[${i}]` : at;
      if (item === null || typeof item !== "object" || Array.isArray(item)) {
        out.push({ path: ip, problem: "block body must be an object" });
      } else {
        out.push(...checkBlock(item as Record<string, unknown>, block.block, ip));
      }
    });
  }
  for (const [key, attr] of Object.entries(attrs)) {
    if (attr.required && !(key in body)) out.push({ path: `${path}.${key}`, problem: "required attribute missing" });
  }
  for (const [key, block] of Object.entries(blocks)) {
    if ((block.min_items ?? 0) > 0 && !(key in body)) {
      out.push({ path: `${path}.${key}`, problem: `required block missing (at least ${block.min_items})` });
    }
  }
  return out;
}

interface SynthDoc {
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Checks every provider block, resource and data source of one synthesized stack (cdk.tf.json). */
export function checkStack(synth: SynthDoc, doc: ProviderSchemaDoc): ConformanceReport {
  const report: ConformanceReport = { findings: [], checked: [], unchecked: [] };
  const providers = Object.entries(doc.provider_schemas);
  const shortName = (addr: string) => addr.split("/").pop() as string;
  const lookup = (kind: "resource_schemas" | "data_source_schemas", type: string) => {
    for (const [, p] of providers) {
      const s = p[kind]?.[type];
      if (s) return s.block;
    }
    return undefined;
  };
  const covers = (type: string) => providers.some(([addr]) => type.startsWith(`${shortName(addr)}_`));

  for (const [name, configs] of Object.entries(synth.provider ?? {})) {
    const p = providers.find(([addr]) => shortName(addr) === name);
    if (!p) {
      report.unchecked.push(`provider.${name}`);
      continue;
    }
    configs.forEach((c, i) => {
      // `alias` is a meta-argument of provider blocks, not part of the provider's schema.
      const rest = Object.fromEntries(Object.entries(c).filter(([k]) => k !== "alias"));
      report.findings.push(...checkBlock(rest, p[1].provider.block, `provider.${name}[${i}]`));
    });
  }
  const walk = (section: "resource" | "data", kind: "resource_schemas" | "data_source_schemas") => {
    for (const [type, byName] of Object.entries(synth[section] ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const path = `${section === "data" ? "data." : ""}${type}.${name}`;
        const schema = lookup(kind, type);
        if (schema) {
          report.checked.push(path);
          report.findings.push(...checkBlock(body, schema, path, true));
        } else if (covers(type)) {
          report.findings.push({ path, problem: `${type} is not in the provider schema` });
        } else {
          report.unchecked.push(path);
        }
      }
    }
  };
  walk("resource", "resource_schemas");
  walk("data", "data_source_schemas");
  return report;
}
