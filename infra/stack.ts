import { Aspects, dependable, Fn, TerraformOutput, TerraformStack, type TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { DataOciDatabaseAutonomousDatabase } from "./.gen/providers/oci/data-oci-database-autonomous-database";
import { DataOciObjectstorageNamespace } from "./.gen/providers/oci/data-oci-objectstorage-namespace";
import { OciProvider } from "./.gen/providers/oci/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { configureBackend, TENANCY_SUFFIX } from "./backend";
import type { Environment } from "./config/environment-schema";
import { provisioningConfig, type ConfigValue } from "./config/function-config";
import { accessGovernanceFunctions, referencedSecrets } from "./constructs/access-governance";
import { FunctionAlarms } from "./constructs/alarms";
import { FreeformTags } from "./constructs/freeform-tags";
import { FunctionApp, type FunctionSpec } from "./constructs/function-app";
import { FunctionImage } from "./constructs/function-image";
import type { RoleGrants } from "./constructs/iam-policies";
import { FunctionLogging } from "./constructs/logging";
import { Network } from "./constructs/network";
import { ReconcileSchedule } from "./constructs/reconcile-schedule";
import { TenancyResources, type WorkloadRefs } from "./constructs/tenancy-resources";
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

/** The deployment region's provider (default) and the home region's (alias "home": IAM and the Events rule). */
function providers(stack: TerraformStack, env: Environment): { home: TerraformProvider } {
  const common = { tenancyOcid: env.tenancyOcid, configFileProfile: env.ociConfigProfile };
  new OciProvider(stack, "oci", { ...common, region: env.region });
  const home = new OciProvider(stack, "oci-home", { ...common, region: env.homeRegion ?? env.region, alias: "home" });
  return { home };
}

function tag(stack: TerraformStack, env: Environment, name: string): void {
  Aspects.of(stack).add(new FreeformTags({ ...env.tags, "managed-by": "iam-adb-sync", environment: name }));
}

/**
 * Everything one environment needs, from network to alarms. With tenancyResources "separate", the dynamic
 * groups, policies, Events rule and audit bucket go to a second stack (TenancyStack) instead.
 */
export class IamAdbSyncStack extends TerraformStack {
  /** What the tenancy-level resources need from this stack. */
  readonly workload: WorkloadRefs;

  constructor(scope: Construct, name: string, env: Environment, opts: StackOptions) {
    super(scope, name);
    const prefix = env.resourcePrefix;
    const compartmentId = env.compartmentOcid;
    configureBackend(this, name, env);
    const { home } = providers(this, env);
    new RandomProvider(this, "random");

    const namespace = new DataOciObjectstorageNamespace(this, "namespace", { compartmentId: env.tenancyOcid }).namespace;
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
      baseRegistryAuth: env.function.baseRegistryAuth,
      shape: env.function.shape,
      registryAuth: env.function.registryAuth,
      ociConfigProfile: env.ociConfigProfile,
    });
    const auditBucket = `${prefix}-audit`;
    const config = provisioningConfig(env, {
      ordsUrl: this.ordsUrl(env),
      ordsSecretId: deferred(secrets.ordsSecretId, MAX_OCID_BYTES, "ocid1.vaultsecret.oc1..deploytime"),
      auditBucket: env.audit.enabled ? auditBucket : undefined,
      auditNamespace: env.audit.enabled ? { expression: namespace, maxBytes: MAX_NAMESPACE_BYTES, example: "namespace" } : undefined,
    });
    const reconcile = env.reconcile.secretOcid !== undefined;
    const functions: FunctionSpec[] = [{ name: `${prefix}-provision`, role: "provision" }];
    if (reconcile) functions.push({ name: `${prefix}-reconcile`, role: "reconcile" });
    if (env.accessGovernance.enabled) functions.push(...accessGovernanceFunctions(env.accessGovernance.systems));

    // Included: the tenancy-level resources live here; the functions wait for the audit emptier, so a destroy
    // removes every writer before the emptier runs.
    const included = env.tenancyResources === "included";
    const app = new FunctionApp(this, "functions", {
      prefix,
      compartmentId,
      subnetId: network.subnetId,
      shape: env.function.shape,
      image: image.imageRef,
      imageDigest: image.digest,
      after: [image.push],
      memoryMb: env.function.memoryMb,
      timeoutSeconds: env.function.timeoutSeconds,
      config,
      functions,
    });
    const fnId = (role: string) => app.functions[role].id;
    const schedule =
      reconcile && env.reconcile.intervalHours > 0
        ? new ReconcileSchedule(this, "reconcile-schedule", {
            prefix,
            compartmentId,
            functionId: fnId("reconcile"),
            intervalHours: env.reconcile.intervalHours,
          })
        : undefined;
    const ordsSecret = { id: secrets.ordsSecretId, compartmentId: secrets.ordsSecretCompartmentId };
    const roles: RoleGrants[] = [
      { role: "provision", functionIds: [fnId("provision")], secrets: [ordsSecret], writesAudit: true, readsIdentity: true },
    ];
    if (reconcile) {
      roles.push({
        role: "reconcile",
        functionIds: [fnId("reconcile")],
        secrets: [ordsSecret, { id: env.reconcile.secretOcid as string }],
        writesAudit: true,
        readsIdentity: false,
      });
    }
    if (env.accessGovernance.enabled) {
      roles.push({
        role: "ag",
        functionIds: functions.filter((f) => f.role.startsWith("ag-")).map((f) => fnId(f.role)),
        secrets: referencedSecrets(env.accessGovernance.systems).map((id) => ({ id })),
        writesAudit: false,
        readsIdentity: false,
      });
    }
    const auditKeyId = env.audit.kmsKey === "stack" ? secrets.createdKeyId : env.audit.kmsKeyOcid;
    this.workload = {
      auditKeyId,
      provisionFunctionId: fnId("provision"),
      roles,
      networkCompartmentId: network.compartmentId,
      scheduleId: schedule?.schedule.id,
    };
    if (included) {
      const tenancy = new TenancyResources(this, "tenancy", { env, namespace, workload: this.workload, home });
      if (tenancy.audit) for (const f of Object.values(app.functions)) f.dependsOn = [...(f.dependsOn ?? []), dependable(tenancy.audit.emptier)];
      new TerraformOutput(this, "events_rule_id", { value: tenancy.events.rule.id });
    }

    const logging = new FunctionLogging(this, "logging", {
      prefix,
      compartmentId,
      applicationId: app.application.id,
      retentionDays: env.logging.retentionDays,
    });
    if (env.alarms.enabled) {
      const ids = Object.fromEntries(functions.map((f) => [f.name, fnId(f.role)]));
      new FunctionAlarms(this, "alarms", { prefix, compartmentId, email: env.alarms.email, functionIds: ids });
    }

    new TerraformOutput(this, "application_id", { value: app.application.id });
    new TerraformOutput(this, "function_ids", { value: Object.fromEntries(functions.map((f) => [f.role, fnId(f.role)])) });
    new TerraformOutput(this, "invoke_log_id", { value: logging.invokeLog.id });
    new TerraformOutput(this, "log_group_id", { value: logging.logGroup.id });
    new TerraformOutput(this, "audit_bucket", { value: env.audit.enabled ? auditBucket : "" });
    new TerraformOutput(this, "image_ref", { value: image.imageRef });
    new TerraformOutput(this, "image_digest", { value: image.digest });
    new TerraformOutput(this, "ords_secret_id", { value: secrets.ordsSecretId });
    tag(this, env, name);
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
    return { expression: `${base}/${alias}`, maxBytes: MAX_URL_BYTES, example: `https://deploy-time.adb.oraclecloudapps.com/ords/${alias}` };
  }
}

/**
 * The tenancy-level half of a "separate" environment, <environment>-tenancy: deployed by a tenancy
 * administrator after the environment's stack, whose function and schedule OCIDs it reads from that stack's
 * state (cdktf cross-stack references).
 */
export class TenancyStack extends TerraformStack {
  constructor(scope: Construct, workloadName: string, env: Environment, workload: IamAdbSyncStack) {
    const name = `${workloadName}${TENANCY_SUFFIX}`;
    super(scope, name);
    configureBackend(this, name, env, true);
    const { home } = providers(this, env);
    const namespace = new DataOciObjectstorageNamespace(this, "namespace", { compartmentId: env.tenancyOcid }).namespace;
    const tenancy = new TenancyResources(this, "tenancy", { env, namespace, workload: workload.workload, home });
    new TerraformOutput(this, "events_rule_id", { value: tenancy.events.rule.id });
    tag(this, env, workloadName);
  }
}

/** A literal OCID stays literal; a reference is sized as the longest OCID. */
function deferred(value: string, maxBytes: number, example: string): ConfigValue {
  return value.startsWith("ocid1.") ? value : { expression: value, maxBytes, example };
}
