/**
 * Validates every synthesized stack (cdktf.out/stacks/<name>/cdk.tf.json) against the vendored OCI provider
 * schema. Run after `cdktf synth`:
 *
 *   npx tsx infra/conformance/check.ts [cdktf.out]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkStack, type ProviderSchemaDoc } from "./check-schema";

export const VENDORED_SCHEMA = resolve(__dirname, "../schema/oci-provider-schema-8.28.0.json");

export function loadVendoredSchema(): ProviderSchemaDoc {
  return JSON.parse(readFileSync(VENDORED_SCHEMA, "utf8")) as ProviderSchemaDoc;
}

function main(): number {
  const out = resolve(process.argv[2] ?? "cdktf.out");
  const schema = loadVendoredSchema();
  let failed = 0;
  for (const stack of readdirSync(join(out, "stacks")).sort()) {
    const synth = JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as object;
    const r = checkStack(synth, schema);
    console.log(`${stack}: ${r.checked.length} checked, ${r.findings.length} finding(s); not covered: ${r.unchecked.join(", ") || "none"}`);
    for (const f of r.findings) console.log(`  ${f.path}: ${f.problem}`);
    failed += r.findings.length;
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main());
