import { LocalBackend, S3Backend, TerraformBackend, TerraformRemoteState, type DataTerraformRemoteStateConfig, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Environment } from "./config/environment-schema";

/** From the stack's working directory (cdktf.out/stacks/<name>) back to the repository root. */
const TO_REPO_ROOT = "../../..";

export interface OciBackendConfig {
  bucket: string;
  namespace: string;
  region: string;
  key: string;
  /** Profile in ~/.oci/config that signs the state requests (the same one the provider uses). */
  config_file_profile: string;
}

/**
 * Terraform's native `oci` backend (Terraform >= 1.12): state in Object Storage, signed with an OCI config
 * profile, locked while a run holds it. cdktf 0.21 ships no class for it; this one only emits the block and
 * gives cross-stack references a matching terraform_remote_state.
 */
export class OciBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly config: OciBackendConfig,
  ) {
    super(scope, "backend", "oci");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.config };
  }

  getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    return new DataTerraformRemoteStateOci(scope, name, this.config);
  }
}

/** terraform_remote_state for the native `oci` backend. */
export class DataTerraformRemoteStateOci extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: OciBackendConfig) {
    super(scope, id, "oci", config as unknown as DataTerraformRemoteStateConfig);
  }
}

export const TENANCY_SUFFIX = "-tenancy";

/**
 * The backend a stack stores state in. `stackName` is the environment's name, or <name>-tenancy for the
 * separate tenancy stack, whose configured path or key gets the same suffix so the two never share state.
 */
export function configureBackend(stack: TerraformStack, stackName: string, env: Environment, tenancy = false): void {
  const state = env.state;
  const own = (p: string) => (tenancy ? p.replace(/(\.tfstate)?$/, `${TENANCY_SUFFIX}$1`) : p);
  if (state.backend === "local") {
    // Relative to the stack directory: the state file sits in the repository root, outside cdktf.out.
    new LocalBackend(stack, { path: `${TO_REPO_ROOT}/${state.path ? own(state.path) : `terraform.${stackName}.tfstate`}` });
    return;
  }
  const key = state.key ? own(state.key) : `${stackName}/terraform.tfstate`;
  if (state.backend === "oci") {
    new OciBackend(stack, {
      bucket: state.bucket,
      namespace: state.namespace,
      region: state.region,
      key,
      config_file_profile: env.ociConfigProfile,
    });
    return;
  }
  // Deprecated by Oracle for Terraform >= 1.12, and unlocked: kept for older Terraform only. Credentials: an OCI
  // customer secret key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
  new S3Backend(stack, {
    bucket: state.bucket,
    key,
    region: state.region,
    endpoints: { s3: `https://${state.namespace}.compat.objectstorage.${state.region}.oraclecloud.com` },
    usePathStyle: true,
    skipRegionValidation: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipS3Checksum: true,
  });
}

