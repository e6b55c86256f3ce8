import { dependable, type ITerraformDependable, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { Environment } from "../config/environment-schema";
import { AccessGovernancePolicy } from "./access-governance";
import { AuditBucket } from "./audit-bucket";
import { IamEventsRule } from "./events-rule";
import { HomeRegionCheck } from "./home-region";
import { IamPolicies, ObjectStoragePolicy, type RoleGrants } from "./iam-policies";

/** What the workload stack hands over: ids known only once its resources exist. */
export interface WorkloadRefs {
  provisionFunctionId: string;
  roles: RoleGrants[];
  networkCompartmentId: string;
  scheduleId?: string;
  /** Customer-managed key of the audit bucket (configured, or the stack's own vault key). */
  auditKeyId?: string;
}

export interface TenancyResourcesProps {
  env: Environment;
  namespace: string;
  workload: WorkloadRefs;
  /** The home-region provider: IAM writes and the Events rule go there. */
  home: TerraformProvider;
}

/**
 * Everything that needs tenancy-level rights (`manage dynamic-groups`, `manage policies in tenancy`,
 * `manage cloudevents-rules in tenancy`), plus the audit bucket, which can only be created once Object Storage
 * holds its service grant. One construct, so it can sit in the environment's stack or in a separate stack a
 * tenancy administrator deploys.
 */
export class TenancyResources extends Construct {
  readonly audit?: AuditBucket;
  readonly iam: IamPolicies;
  readonly events: IamEventsRule;

  constructor(scope: Construct, id: string, props: TenancyResourcesProps) {
    super(scope, id);
    const { env, workload } = props;
    const prefix = env.resourcePrefix;
    const homeCheck = new HomeRegionCheck(this, "home-region", {
      tenancyId: env.tenancyOcid,
      homeRegion: env.homeRegion ?? env.region,
      identityDomainId: env.provisioning.identityDomainOcid,
      provider: props.home,
    });
    const after: ITerraformDependable[] = [homeCheck.check];
    if (env.audit.enabled) {
      const objectStorage = new ObjectStoragePolicy(this, "objectstorage", {
        prefix,
        tenancyId: env.tenancyOcid,
        compartmentId: env.compartmentOcid,
        region: env.region,
        kmsKeyId: workload.auditKeyId,
        provider: props.home,
      });
      objectStorage.policy.dependsOn = [dependable(homeCheck.check)];
      this.audit = new AuditBucket(this, "audit", {
        prefix,
        compartmentId: env.compartmentOcid,
        namespace: props.namespace,
        region: env.region,
        ociConfigProfile: env.ociConfigProfile,
        retentionDays: env.audit.retentionDays,
        retentionRuleDays: env.audit.retentionRuleDays,
        kmsKeyId: workload.auditKeyId,
        servicePolicy: objectStorage.policy,
      });
      // On destroy the writers' grant goes before the emptier runs.
      after.push(this.audit.emptier);
    }
    this.iam = new IamPolicies(this, "iam", {
      prefix,
      tenancyId: env.tenancyOcid,
      compartmentId: env.compartmentOcid,
      networkCompartmentId: workload.networkCompartmentId,
      roles: workload.roles,
      identityDomain: env.provisioning.identityDomain,
      audit: this.audit ? { bucketName: this.audit.bucketName } : undefined,
      scheduleId: workload.scheduleId,
      provider: props.home,
    });
    for (const r of [this.iam.functionPolicy, this.iam.servicePolicy, ...Object.values(this.iam.dynamicGroups)]) {
      r.dependsOn = after.map(dependable);
    }
    this.events = new IamEventsRule(this, "events", {
      prefix,
      tenancyId: env.tenancyOcid,
      functionId: workload.provisionFunctionId,
      provider: props.home,
    });
    this.events.rule.dependsOn = [dependable(homeCheck.check)];
    if (env.accessGovernance.enabled) {
      new AccessGovernancePolicy(this, "access-governance", {
        prefix,
        tenancyId: env.tenancyOcid,
        compartmentId: env.compartmentOcid,
        instanceId: env.accessGovernance.instanceOcid,
        functionIds: workload.roles.find((r) => r.role === "ag")?.functionIds ?? [],
      });
    }
  }
}
