import { Aspects, Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataOciDatabaseAutonomousDatabase } from "./.gen/providers/oci/data-oci-database-autonomous-database";
import { DataOciObjectstorageNamespace } from "./.gen/providers/oci/data-oci-objectstorage-namespace";
import { OciProvider } from "./.gen/providers/oci/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { Environment } from "./config/environment-schema";
import { provisioningConfig, type ConfigValue } from "./config/function-config";
import { AG_FUNCTIONS, accessGovernanceFunctions, AccessGovernancePolicy, referencedSecrets } from "./constructs/access-governance";
import { FunctionAlarms } from "./constructs/alarms";
import { AuditBucket } from "./constructs/audit-bucket";
import { IamEventsRule } from "./constructs/events-rule";
import { FreeformTags } from "./constructs/freeform-tags";
import { FunctionApp, type FunctionSpec } from "./constructs/function-app";
import { FunctionImage } from "./constructs/function-image";
import { IamPolicies } from "./constructs/iam-policies";
import { FunctionLogging } from "./constructs/logging";
import { Network } from "./constructs/network";
import { VaultSecrets } from "./constructs/vault-secrets";

export interface StackOptions {
  /** Built bundle directory relative to the repository root (where deploy-time commands run). */
  bundleDir: string;
  /** The same directory, absolute, read at synth for the content tag. */
  bundleDirAbs: string;
}

/** Upper bounds for deploy-time values, for the 4 KB config check. */
const MAX_OCID_BYTES = 255;
const MAX_URL_BYTES = 512;
const MAX_NAMESPACE_BYTES = 64;

/** From the stack's working directory (cdktf.out/stacks/<name>) back to the repository root. */
const TO_REPO_ROOT = "../../..";

/** Everything one environment needs, from network to alarms, in one Terraform stack. */
export class IamAdbSyncStack extends TerraformStack {
  constructor(scope: Construct, name: string, env: Environment, opts: StackOptions) {
    super(scope, name);
    const prefix = env.resourcePrefix;
    const compartmentId = env.compartmentOcid;
    const tenancyId = env.tenancyOcid;

    this.configureBackend(name, env.state);
    new OciProvider(this, "oci", {
      region: env.region,
      tenancyOcid: tenancyId,
      configFileProfile: env.ociConfigProfile,
    });
    new NullProvider(this, "null");
    new RandomProvider(this, "random");

    const namespace = new DataOciObjectstorageNamespace(this, "namespace", { compartmentId: tenancyId }).namespace;
    const secrets = new VaultSecrets(this, "secrets", {
      prefix,
      compartmentId,
      vault: env.vault,
      secrets: env.secrets,
      authMode: env.provisioning.authMode,
    });
    const network = new Network(this, "network", { prefix, compartmentId, network: env.network });
    const image = new FunctionImage(this, "image", {
      prefix,
      compartmentId,
      region: env.region,
      namespace,
      bundleDir: opts.bundleDir,
      bundleDirAbs: opts.bundleDirAbs,
      baseImage: env.function.baseImage,
      shape: env.function.shape,
      registryAuth: env.function.registryAuth,
      ociConfigProfile: env.ociConfigProfile,
    });
    const audit = env.audit.enabled
      ? new AuditBucket(this, "audit", {
          prefix,
          compartmentId,
          namespace,
          region: env.region,
          ociConfigProfile: env.ociConfigProfile,
          retentionDays: env.audit.retentionDays,
          kmsKeyId: env.audit.kmsKeyOcid,
        })
      : undefined;

    const config = provisioningConfig(env, {
      ordsUrl: this.ordsUrl(env),
      ordsSecretId: deferred(secrets.ordsSecretId, MAX_OCID_BYTES),
      auditBucket: audit?.bucketName,
      auditNamespace: audit ? { expression: namespace, maxBytes: MAX_NAMESPACE_BYTES } : undefined,
    });
    const functions: FunctionSpec[] = [{ name: `${prefix}-provision`, role: "provision" }];
    // A schedule (OCI Resource Scheduler, not in the pinned provider schema) can invoke this one with any body.
    if (env.reconcile.secretOcid) functions.push({ name: `${prefix}-reconcile`, role: "reconcile" });
    if (env.accessGovernance.enabled) functions.push(...accessGovernanceFunctions(env.accessGovernance.systems));
    const app = new FunctionApp(this, "functions", {
      prefix,
      compartmentId,
      subnetId: network.subnetId,
      shape: env.function.shape,
      image: image.imageRef,
      imagePushed: image.push,
      memoryMb: env.function.memoryMb,
      timeoutSeconds: env.function.timeoutSeconds,
      config,
      functions,
    });
    const provision = app.functions.provision;
    const events = new IamEventsRule(this, "events", { prefix, tenancyId, functionId: provision.id });
    const logging = new FunctionLogging(this, "logging", {
      prefix,
      compartmentId,
      applicationId: app.application.id,
      retentionDays: env.logging.retentionDays,
    });
    new IamPolicies(this, "iam", {
      prefix,
      tenancyId,
      compartmentId,
      region: env.region,
      networkCompartmentId: network.compartmentId,
      ordsSecret: { id: secrets.ordsSecretId, compartmentId: secrets.ordsSecretCompartmentId },
      otherSecretIds: [
        ...(env.reconcile.secretOcid ? [env.reconcile.secretOcid] : []),
        ...(env.accessGovernance.enabled ? referencedSecrets(env.accessGovernance.systems) : []),
      ],
      audit: audit ? { bucketName: audit.bucketName, kmsKeyId: env.audit.kmsKeyOcid } : undefined,
      nameLookup: env.provisioning.nameLookup,
    });
    if (env.accessGovernance.enabled) {
      new AccessGovernancePolicy(this, "access-governance", {
        prefix,
        tenancyId,
        compartmentId,
        instanceId: env.accessGovernance.instanceOcid,
        functionIds: AG_FUNCTIONS.map((f) => app.functions[f.role].id),
      });
    }
    if (env.alarms.enabled) {
      const ids = Object.fromEntries(functions.map((f) => [f.name, app.functions[f.role].id]));
      new FunctionAlarms(this, "alarms", { prefix, compartmentId, email: env.alarms.email, functionIds: ids });
    }

    new TerraformOutput(this, "application_id", { value: app.application.id });
    new TerraformOutput(this, "function_ids", {
      value: Object.fromEntries(functions.map((f) => [f.role, app.functions[f.role].id])),
    });
    new TerraformOutput(this, "events_rule_id", { value: events.rule.id });
    new TerraformOutput(this, "invoke_log_id", { value: logging.invokeLog.id });
    new TerraformOutput(this, "log_group_id", { value: logging.logGroup.id });
    new TerraformOutput(this, "audit_bucket", { value: audit ? audit.bucketName : "" });
    new TerraformOutput(this, "image_ref", { value: image.imageRef });
    new TerraformOutput(this, "ords_secret_id", { value: secrets.ordsSecretId });

    Aspects.of(this).add(new FreeformTags({ ...env.tags, "managed-by": "iam-adb-sync", environment: name }));
  }

  /** The ORDS URL of the REST-enabled schema: given, or read from the Autonomous Database at deploy time. */
  private ordsUrl(env: Environment): ConfigValue {
    const alias = env.database.schemaAlias;
    if (env.database.ordsUrl !== undefined) return `${env.database.ordsUrl}/${alias}`;
    const adb = new DataOciDatabaseAutonomousDatabase(this, "database", {
      autonomousDatabaseId: env.database.autonomousDatabaseOcid as string,
    });
    // connection_urls[0].ords_url is the instance's …/ords/ base.
    const base = Fn.trimsuffix(Fn.lookup(Fn.element(adb.connectionUrls, 0), "ords_url", ""), "/");
    return { expression: `${base}/${alias}`, maxBytes: MAX_URL_BYTES };
  }

  private configureBackend(name: string, state: Environment["state"]): void {
    if (state.backend === "local") {
      // Relative to the stack directory: the state file sits in the repository root, outside cdktf.out.
      new LocalBackend(this, { path: `${TO_REPO_ROOT}/${state.path ?? `terraform.${name}.tfstate`}` });
      return;
    }
    // OCI Object Storage through its S3-compatible API (credentials: an OCI customer secret key in
    // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
    new S3Backend(this, {
      bucket: state.bucket,
      key: state.key ?? `${name}/terraform.tfstate`,
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
}

/** A literal OCID stays literal; a reference is sized as the longest OCID. */
function deferred(value: string, maxBytes: number): ConfigValue {
  return value.startsWith("ocid1.") ? value : { expression: value, maxBytes };
}
