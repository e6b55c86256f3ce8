import { Id as RandomId } from "@cdktf/provider-random/lib/id";
import { Fn, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { KmsKey } from "../.gen/providers/oci/kms-key";
import { KmsVault } from "../.gen/providers/oci/kms-vault";
import { VaultSecret } from "../.gen/providers/oci/vault-secret";
import type { Environment } from "../config/environment-schema";
import { requiredOnApply, sensitiveVariable } from "./sensitive-variable";

export interface VaultSecretsProps {
  prefix: string;
  compartmentId: string;
  vault: Environment["vault"];
  secrets: Environment["secrets"];
  authMode: Environment["provisioning"]["authMode"];
}

type VaultSpec = { type: "DEFAULT" | "VIRTUAL_PRIVATE"; keyRotationDays?: number };

/** The vault the stack creates, if it creates one. */
function createdVault(v: Environment["vault"]): VaultSpec | undefined {
  if (v === "create") return { type: "DEFAULT" };
  return v !== undefined && "create" in v ? v.create : undefined;
}

/** Terraform variable names for the ORDS credentials per auth mode (the secret JSON keys the function reads). */
const CREDENTIAL_VARIABLES = {
  oauth: { clientId: "ords_client_id", clientSecret: "ords_client_secret" },
  basic: { username: "ords_username", password: "ords_password" },
} as const;

/**
 * The ORDS credential secret: referenced by OCID, or created in a vault (existing or created here) from
 * sensitive variables, so its value lives only in the caller's environment and Terraform state.
 */
export class VaultSecrets extends Construct {
  /** OCID (or reference) of the secret the function reads. */
  readonly ordsSecretId: string;
  /** Compartment the secret lives in, for the read policy. */
  readonly ordsSecretCompartmentId: string;
  /** Terraform variables the deploy needs (empty when nothing is created). */
  readonly variableNames: string[] = [];
  /** The key of the vault this stack created (undefined otherwise). */
  readonly createdKeyId?: string;

  constructor(scope: Construct, id: string, props: VaultSecretsProps) {
    super(scope, id);
    const spec = createdVault(props.vault);
    const created = spec ? this.createVault(props, spec) : undefined;
    this.createdKeyId = created?.keyId;
    if (props.secrets.ords !== "create") {
      this.ordsSecretId = props.secrets.ords;
      this.ordsSecretCompartmentId = props.secrets.ordsSecretCompartment ?? props.compartmentId;
      return;
    }
    const { vaultId, keyId } = created ?? this.existingVault(props);

    const names = CREDENTIAL_VARIABLES[props.authMode];
    const content: Record<string, string> = {};
    const preconditions: ReturnType<typeof requiredOnApply>[] = [];
    for (const [jsonKey, varName] of Object.entries(names)) {
      const v = sensitiveVariable(this, varName, `ORDS credential (${jsonKey}) stored in the vault secret`);
      content[jsonKey] = v.stringValue;
      this.variableNames.push(varName);
      preconditions.push(requiredOnApply(varName));
    }

    // Deleted secrets keep their name reserved until the deletion date, so a suffix lets a re-deploy succeed.
    const suffix = new RandomId(this, "secret-suffix", { byteLength: 3, keepers: { vault: vaultId } });
    const secret = new VaultSecret(this, "ords", {
      compartmentId: props.compartmentId,
      vaultId,
      keyId,
      secretName: `${props.prefix}-ords-${suffix.hex}`,
      description: `ORDS ${props.authMode} credentials for ${props.prefix}`,
      // No version name: OCI numbers versions itself, so a changed credential becomes a new version (a fixed
      // name such as "v1" makes the second version fail as a duplicate).
      secretContent: { contentType: "BASE64", content: Fn.base64encode(Fn.jsonencode(content)) },
      lifecycle: { precondition: preconditions },
    });
    this.ordsSecretId = secret.id;
    this.ordsSecretCompartmentId = props.compartmentId;
  }

  private existingVault(props: VaultSecretsProps): { vaultId: string; keyId: string } {
    if (props.vault === undefined || props.vault === "create" || "create" in props.vault) {
      throw new Error("a created secret needs a vault (the config schema enforces this)");
    }
    return { vaultId: props.vault.vaultOcid, keyId: props.vault.keyOcid };
  }

  private createVault(props: VaultSecretsProps, spec: VaultSpec): { vaultId: string; keyId: string } {
    // Vault and key deletion is scheduled (7-30 days, 30 by default); set this, apply, then destroy to shorten it.
    const deletion = new TerraformVariable(this, "vault_time_of_deletion", {
      type: "string",
      default: "",
      description: "RFC 3339 time (7-30 days ahead) at which the created vault and key are deleted after destroy",
    });
    deletion.overrideLogicalId("vault_time_of_deletion");
    // Empty means unset: OCI then schedules the deletion 30 days out. (The variable's logical id is fixed above.)
    const timeOfDeletion = '${var.vault_time_of_deletion == "" ? null : var.vault_time_of_deletion}';
    const vault = new KmsVault(this, "vault", {
      compartmentId: props.compartmentId,
      displayName: `${props.prefix}-vault`,
      vaultType: spec.type,
      timeOfDeletion,
    });
    const key = new KmsKey(this, "key", {
      compartmentId: props.compartmentId,
      displayName: `${props.prefix}-secrets-key`,
      managementEndpoint: vault.managementEndpoint,
      keyShape: { algorithm: "AES", length: 32 },
      protectionMode: "SOFTWARE",
      timeOfDeletion,
      // A new key version every N days; data encrypted earlier stays readable with the older versions.
      ...(spec.keyRotationDays === undefined
        ? {}
        : { isAutoRotationEnabled: true, autoKeyRotationDetails: { rotationIntervalInDays: spec.keyRotationDays } }),
    });
    return { vaultId: vault.id, keyId: key.id };
  }
}
