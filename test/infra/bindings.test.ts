import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ociPin, readVerifiedSchema } from "../../infra/scripts/gen-bindings";

const ROOT = resolve(__dirname, "../..");
const SCHEMA = join(ROOT, "infra/schema/oci-provider-schema-8.28.0.json");

describe("OCI bindings generation", () => {
  it("pins oracle/oci at the exact version the vendored schema describes", () => {
    const cdktf = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { terraformProviders: string[]; codeMakerOutput: string; app: string };
    expect(ociPin(cdktf)).toEqual({ version: "8.28.0" });
    expect(cdktf.codeMakerOutput).toBe("infra/.gen");
    expect(cdktf.app).toBe("node --import tsx infra/main.ts");
    const doc = JSON.parse(readFileSync(SCHEMA, "utf8")) as { provider_schemas: Record<string, unknown> };
    expect(Object.keys(doc.provider_schemas)).toEqual(["registry.terraform.io/oracle/oci"]);
  });

  it("refuses ranges and duplicate pins (the offline cache is keyed by the literal version)", () => {
    expect(() => ociPin({ terraformProviders: ["oracle/oci@~> 8.28"], codeMakerOutput: "x" })).toThrow(
      "cdktf.json pins oracle/oci@~> 8.28: use an exact version",
    );
    expect(() => ociPin({ terraformProviders: ["oracle/oci@8.28.0", "oracle/oci@8.27.0"], codeMakerOutput: "x" })).toThrow(
      "cdktf.json must pin oracle/oci exactly once, found 2",
    );
  });

  it("accepts the vendored schema only with its recorded sha256", () => {
    const { sha256 } = readVerifiedSchema("8.28.0");
    expect(sha256).toBe("7a02fbf5056433b5725a4c4d4c28b2acadfe064eeded967285a5a0b61f911acc");
    expect(sha256).toBe(createHash("sha256").update(readFileSync(SCHEMA)).digest("hex"));

    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    copyFileSync(`${SCHEMA}.sha256`, join(dir, "oci-provider-schema-8.28.0.json.sha256"));
    writeFileSync(join(dir, "oci-provider-schema-8.28.0.json"), readFileSync(SCHEMA, "utf8").replace('"required":true', '"optional":true'));
    expect(() => readVerifiedSchema("8.28.0", dir)).toThrow(/sha256 [0-9a-f]{64} does not match .*the schema was changed/);
    expect(() => readVerifiedSchema("9.0.0", dir)).toThrow("no vendored schema for oracle/oci@9.0.0");
  });

  it("generated a typed binding for every resource and data source of the schema", () => {
    const gen = join(ROOT, "infra/.gen/providers/oci");
    const doc = JSON.parse(readFileSync(SCHEMA, "utf8")) as {
      provider_schemas: Record<string, { resource_schemas: object; data_source_schemas: object }>;
    };
    const p = doc.provider_schemas["registry.terraform.io/oracle/oci"];
    const folders = [
      ...Object.keys(p.resource_schemas).map((t) => t.replace(/^oci_/, "").replace(/_/g, "-")),
      ...Object.keys(p.data_source_schemas).map((t) => `data-${t.replace(/_/g, "-")}`),
    ];
    expect(folders).toHaveLength(37);
    for (const f of folders) expect(readdirSync(join(gen, f))).toContain("index.ts");
    expect(readFileSync(join(ROOT, "infra/.gen/.schema-stamp"), "utf8")).toBe(
      "oracle/oci@8.28.0 7a02fbf5056433b5725a4c4d4c28b2acadfe064eeded967285a5a0b61f911acc\n",
    );
    expect(JSON.parse(readFileSync(join(ROOT, "infra/.gen/constraints.json"), "utf8"))).toMatchObject({ providers: { oci: "8.28.0" } });
    expect(readFileSync(join(gen, "functions-function/index.ts"), "utf8")).toContain('terraformResourceType: "oci_functions_function"');
  });
});
