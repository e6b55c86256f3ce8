import { KmsVault } from "../../infra/.gen/providers/oci/kms-vault";
import { VaultSecret } from "../../infra/.gen/providers/oci/vault-secret";
import { environmentInput, ref, resources, single, synthCheckedIn, synthEnvironment } from "./synth";

describe("vault and secrets construct", () => {
  it("creates vault, key and the ORDS secret from sensitive variables only", () => {
    const s = synthCheckedIn("example");
    expect(s.json).toHaveResourceWithProperties(KmsVault, { vault_type: "DEFAULT" });
    const key = single(s, "oci_kms_key");
    expect(key).toMatchObject({ management_endpoint: ref(s, "oci_kms_vault", "management_endpoint") });
    const secret = single(s, "oci_vault_secret");
    expect(secret).toMatchObject({ vault_id: ref(s, "oci_kms_vault"), key_id: ref(s, "oci_kms_key") });
    // No fixed version name: a rotated credential becomes OCI's next version instead of a duplicate "v1".
    expect(secret.secret_content).toEqual({
      content_type: "BASE64",
      content: '${base64encode(jsonencode({"clientId" = var.ords_client_id, "clientSecret" = var.ords_client_secret}))}',
    });
    for (const v of ["ords_client_id", "ords_client_secret"]) {
      // A default lets destroy run without the secrets; the precondition makes deploy insist on them.
      expect(s.doc.variable?.[v]).toMatchObject({ sensitive: true, nullable: false, type: "string", default: "" });
    }
    expect((secret.lifecycle as { precondition: unknown[] }).precondition).toEqual([
      { condition: '${var.ords_client_id != ""}', error_message: "export TF_VAR_ords_client_id: deploy needs it (destroy does not)" },
      { condition: '${var.ords_client_secret != ""}', error_message: "export TF_VAR_ords_client_secret: deploy needs it (destroy does not)" },
    ]);
  });

  it("gives every sensitive variable of every stack a default, so destroy needs no TF_VAR_*", () => {
    for (const s of [synthCheckedIn("example"), synthCheckedIn("prod-eu")]) {
      for (const [name, v] of Object.entries(s.doc.variable ?? {})) expect([name, "default" in v]).toEqual([name, true]);
    }
  });

  it("suffixes the secret name so a re-deploy does not collide with a secret pending deletion", () => {
    const s = synthCheckedIn("example");
    const secret = single(s, "oci_vault_secret");
    expect(secret.secret_name).toBe(`iam-adb-sync-example-ords-${ref(s, "random_id", "hex")}`);
    expect(single(s, "random_id").keepers).toEqual({ vault: ref(s, "oci_kms_vault") });
  });

  it("schedules vault and key deletion from an optional variable (empty = service default)", () => {
    const s = synthCheckedIn("example");
    const expr = '${var.vault_time_of_deletion == "" ? null : var.vault_time_of_deletion}';
    expect(single(s, "oci_kms_vault").time_of_deletion).toBe(expr);
    expect(single(s, "oci_kms_key").time_of_deletion).toBe(expr);
    expect(s.doc.variable?.vault_time_of_deletion).toMatchObject({ default: "" });
  });

  it("uses basic-auth variable names for basic mode", () => {
    const input = environmentInput("example");
    const s = synthEnvironment("basic", { ...input, provisioning: { ...input.provisioning, authMode: "basic" } });
    expect(single(s, "oci_vault_secret").secret_content).toMatchObject({
      content: '${base64encode(jsonencode({"username" = var.ords_username, "password" = var.ords_password}))}',
    });
  });

  it("creates only the secret in an existing vault", () => {
    const input = environmentInput("example");
    const vault = { vaultOcid: "ocid1.vault.oc1.eu-frankfurt-1.existing", keyOcid: "ocid1.key.oc1.eu-frankfurt-1.existing.k" };
    const s = synthEnvironment("existing-vault", { ...input, vault });
    expect(resources(s, "oci_kms_vault")).toEqual({});
    expect(single(s, "oci_vault_secret")).toMatchObject({ vault_id: vault.vaultOcid, key_id: vault.keyOcid });
  });

  it("references an existing secret by OCID and asks for no credentials at all", () => {
    const s = synthCheckedIn("prod-eu");
    expect(s.json).not.toHaveResource(VaultSecret);
    expect(s.json).not.toHaveResource(KmsVault);
    expect(Object.keys(s.doc.variable ?? {})).toEqual([]);
  });

  it("never puts a credential value in the synthesized output", () => {
    const values = {
      TF_VAR_ords_client_id: "client-id-7d1f0c",
      TF_VAR_ords_client_secret: "client-secret-a94e22",
      TF_VAR_ocir_auth_token: "ocir-token-55b1e0",
    };
    Object.assign(process.env, values);
    try {
      const s = synthCheckedIn("example");
      for (const v of Object.values(values)) expect(s.json).not.toContain(v);
    } finally {
      for (const k of Object.keys(values)) delete process.env[k];
    }
  });

  it("rotates the stack's key automatically in a virtual private vault, and can encrypt the audit bucket with it", () => {
    const input = environmentInput("example");
    const s = synthEnvironment("example", {
      ...input,
      vault: { create: { type: "VIRTUAL_PRIVATE", keyRotationDays: 90 } },
      audit: { ...input.audit, kmsKey: "stack" },
    });
    expect(single(s, "oci_kms_vault").vault_type).toBe("VIRTUAL_PRIVATE");
    expect(single(s, "oci_kms_key")).toMatchObject({ is_auto_rotation_enabled: true, auto_key_rotation_details: { rotation_interval_in_days: 90 } });
    const key = ref(s, "oci_kms_key");
    expect(single(s, "oci_objectstorage_bucket").kms_key_id).toBe(key);
    const grant = Object.values(resources(s, "oci_identity_policy")).find((p) => (p.name as string).endsWith("-objectstorage"));
    expect(grant?.statements).toContain(`Allow service objectstorage-eu-frankfurt-1 to use keys in tenancy where target.key.id = '${key}'`);
    // A DEFAULT vault cannot rotate automatically; asking for it is refused at synth.
    expect(() => synthEnvironment("example", { ...input, vault: { create: { type: "DEFAULT", keyRotationDays: 90 } } })).toThrow(
      "automatic key rotation needs a VIRTUAL_PRIVATE vault",
    );
    expect(single(synthCheckedIn("example"), "oci_kms_key").is_auto_rotation_enabled).toBeUndefined();
  });
});
