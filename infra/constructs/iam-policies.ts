import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { IdentityDynamicGroup } from "../.gen/providers/oci/identity-dynamic-group";
import { IdentityPolicy } from "../.gen/providers/oci/identity-policy";

/** A Vault secret a role reads; without a compartment the grant is tenancy-wide but still names the secret. */
export interface SecretRef {
  id: string;
  compartmentId?: string;
}

/** What one function role (FUNCTION_ROLE) may do; each role gets its own dynamic group. */
export interface RoleGrants {
  /** Dynamic-group name suffix, e.g. "provision", "ag". */
  role: string;
  /** OCIDs (references) of exactly the functions running this role. */
  functionIds: string[];
  secrets: SecretRef[];
  writesAudit: boolean;
  /** Reads IAM users and their groups (the provisioning function reads every event's user). */
  readsIdentity: boolean;
}

export interface IamPoliciesProps {
  prefix: string;
  tenancyId: string;
  compartmentId: string;
  /** Compartment of the functions' subnet. */
  networkCompartmentId: string;
  roles: RoleGrants[];
  /** Identity domain whose users and groups the IAM reads are limited to. */
  identityDomain: string;
  audit?: { bucketName: string };
  /** The Resource Scheduler schedule that invokes reconcile. */
  scheduleId?: string;
  /** IAM writes go to the home region. */
  provider: TerraformProvider;
}

/** Only these functions: by OCID, so no other function in the compartment can join the group. */
export function matchingRule(functionIds: string[]): string {
  const ids = functionIds.map((id) => `resource.id = '${id}'`);
  return ids.length === 1 ? `ALL {resource.type = 'fnfunc', ${ids[0]}}` : `ANY {${ids.join(", ")}}`;
}

/** Statements for one role's resource principal: nothing beyond what that role does. */
export function roleStatements(dg: string, r: RoleGrants, p: Pick<IamPoliciesProps, "compartmentId" | "identityDomain" | "audit">): string[] {
  const s: string[] = [];
  const byCompartment = new Map<string, string[]>();
  for (const secret of r.secrets) {
    const where = secret.compartmentId ? `compartment id ${secret.compartmentId}` : "tenancy";
    byCompartment.set(where, [...new Set([...(byCompartment.get(where) ?? []), secret.id])].sort());
  }
  for (const [where, ids] of [...byCompartment].sort(([a], [b]) => a.localeCompare(b))) {
    const cond = ids.length === 1 ? `target.secret.id = '${ids[0]}'` : `any {${ids.map((id) => `target.secret.id = '${id}'`).join(", ")}}`;
    s.push(`Allow dynamic-group id ${dg} to read secret-bundles in ${where} where ${cond}`);
  }
  if (r.writesAudit && p.audit) {
    // OBJECT_CREATE only: a record can be written once, never overwritten or deleted by the function.
    s.push(
      `Allow dynamic-group id ${dg} to manage objects in compartment id ${p.compartmentId} where all {target.bucket.name = '${p.audit.bucketName}', request.permission = 'OBJECT_CREATE'}`,
    );
  }
  if (r.readsIdentity) {
    const inDomain = `where target.resource.domain.name = '${p.identityDomain}'`;
    s.push(`Allow dynamic-group id ${dg} to read users in tenancy ${inDomain}`, `Allow dynamic-group id ${dg} to read groups in tenancy ${inDomain}`);
  }
  return s;
}

/** Statements for the OCI services that act on the stack's behalf (Events, Functions, Resource Scheduler). */
export function serviceStatements(p: Pick<IamPoliciesProps, "compartmentId" | "networkCompartmentId" | "scheduleId">): string[] {
  const s = [
    `Allow service cloudEvents to use functions-family in compartment id ${p.compartmentId}`,
    `Allow service faas to use virtual-network-family in compartment id ${p.networkCompartmentId}`,
    `Allow service faas to read repos in compartment id ${p.compartmentId} where request.operation = 'ListContainerImageSignatures'`,
  ];
  if (p.scheduleId) {
    s.push(
      `Allow any-user to use functions-family in compartment id ${p.compartmentId} where all {request.principal.type = 'resourceschedule', request.principal.id = '${p.scheduleId}'}`,
    );
  }
  return s;
}

/**
 * One dynamic group per function role (matching exactly that role's functions) and two policies (function
 * principals; services), in the tenancy, written through the home-region provider. Every grant names its target
 * (secret id, bucket name, identity domain) wherever the policy language allows.
 */
export class IamPolicies extends Construct {
  readonly dynamicGroups: Record<string, IdentityDynamicGroup> = {};
  readonly functionPolicy: IdentityPolicy;
  readonly servicePolicy: IdentityPolicy;

  constructor(scope: Construct, id: string, props: IamPoliciesProps) {
    super(scope, id);
    const statements: string[] = [];
    for (const r of props.roles) {
      const dg = new IdentityDynamicGroup(this, `dg-${r.role}`, {
        provider: props.provider,
        compartmentId: props.tenancyId,
        name: `${props.prefix}-${r.role}`,
        description: `iam-adb-sync ${r.role} function(s) (resource principal)`,
        matchingRule: matchingRule(r.functionIds),
      });
      this.dynamicGroups[r.role] = dg;
      statements.push(...roleStatements(dg.id, r, props));
    }
    this.functionPolicy = new IdentityPolicy(this, "function-policy", {
      provider: props.provider,
      compartmentId: props.tenancyId,
      name: `${props.prefix}-function`,
      description: "iam-adb-sync functions: each role's own secrets, the audit bucket, IAM name look-up in one domain",
      statements,
    });
    this.servicePolicy = new IdentityPolicy(this, "service-policy", {
      provider: props.provider,
      compartmentId: props.tenancyId,
      name: `${props.prefix}-services`,
      description: "iam-adb-sync: Events and the reconcile schedule may invoke the functions; Functions may use the subnet and registry",
      statements: serviceStatements(props),
    });
  }
}

export interface ObjectStoragePolicyProps {
  prefix: string;
  tenancyId: string;
  compartmentId: string;
  region: string;
  kmsKeyId?: string;
  provider: TerraformProvider;
}

/**
 * Object Storage's own service permissions: lifecycle rules delete records on our behalf, and a customer-managed
 * key is used by the service, not by us. Both must exist before the bucket and its lifecycle policy.
 */
export function objectStorageStatements(p: Omit<ObjectStoragePolicyProps, "provider" | "prefix" | "tenancyId">): string[] {
  const s = [`Allow service objectstorage-${p.region} to manage object-family in compartment id ${p.compartmentId}`];
  if (p.kmsKeyId) s.push(`Allow service objectstorage-${p.region} to use keys in tenancy where target.key.id = '${p.kmsKeyId}'`);
  return s;
}

export class ObjectStoragePolicy extends Construct {
  readonly policy: IdentityPolicy;

  constructor(scope: Construct, id: string, props: ObjectStoragePolicyProps) {
    super(scope, id);
    this.policy = new IdentityPolicy(this, "policy", {
      provider: props.provider,
      compartmentId: props.tenancyId,
      name: `${props.prefix}-objectstorage`,
      description: "iam-adb-sync: Object Storage may apply the audit lifecycle rules and use the bucket's key",
      statements: objectStorageStatements(props),
    });
  }
}
