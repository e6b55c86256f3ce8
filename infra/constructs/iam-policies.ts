import { Construct } from "constructs";
import { IdentityDynamicGroup } from "../.gen/providers/oci/identity-dynamic-group";
import { IdentityPolicy } from "../.gen/providers/oci/identity-policy";

export interface IamPoliciesProps {
  prefix: string;
  tenancyId: string;
  compartmentId: string;
  region: string;
  /** Compartment of the functions' subnet. */
  networkCompartmentId: string;
  ordsSecret: { id: string; compartmentId: string };
  /** Further secrets the functions read (reconcile client, Access Governance systems); their compartments are not known. */
  otherSecretIds: string[];
  audit?: { bucketName: string; kmsKeyId?: string };
  nameLookup: boolean;
}

/** Statements for the functions' own resource principal: nothing beyond what the function does. */
export function functionStatements(dg: string, p: IamPoliciesProps): string[] {
  const s = [
    `Allow dynamic-group ${dg} to read secret-bundles in compartment id ${p.ordsSecret.compartmentId} where target.secret.id = '${p.ordsSecret.id}'`,
  ];
  if (p.otherSecretIds.length > 0) {
    const ids = [...new Set(p.otherSecretIds)].sort().map((id) => `target.secret.id = '${id}'`).join(", ");
    s.push(`Allow dynamic-group ${dg} to read secret-bundles in tenancy where any {${ids}}`);
  }
  if (p.audit) {
    s.push(
      `Allow dynamic-group ${dg} to manage objects in compartment id ${p.compartmentId} where all {target.bucket.name = '${p.audit.bucketName}', request.permission = 'OBJECT_CREATE'}`,
    );
  }
  if (p.nameLookup) {
    // IAM users and groups live in the tenancy; reading a name by OCID needs USER_READ / GROUP_READ there.
    s.push(`Allow dynamic-group ${dg} to read users in tenancy`, `Allow dynamic-group ${dg} to read groups in tenancy`);
  }
  return s;
}

/** Statements for the OCI services that act on the stack's behalf. */
export function serviceStatements(p: IamPoliciesProps): string[] {
  const s = [
    `Allow service cloudEvents to use functions-family in compartment id ${p.compartmentId}`,
    `Allow service faas to use virtual-network-family in compartment id ${p.networkCompartmentId}`,
    `Allow service faas to read repos in compartment id ${p.compartmentId} where request.operation = 'ListContainerImageSignatures'`,
  ];
  if (p.audit?.kmsKeyId) {
    s.push(
      `Allow service objectstorage-${p.region} to use keys in tenancy where target.key.id = '${p.audit.kmsKeyId}'`,
    );
  }
  return s;
}

/**
 * The functions' dynamic group and two policies (function principal; services), in the tenancy (the stack runs
 * in the home region, where IAM writes go). Each grant names its target (secret id, bucket name, key id) wherever the policy language allows.
 */
export class IamPolicies extends Construct {
  readonly dynamicGroup: IdentityDynamicGroup;
  readonly functionPolicy: IdentityPolicy;
  readonly servicePolicy: IdentityPolicy;

  constructor(scope: Construct, id: string, props: IamPoliciesProps) {
    super(scope, id);
    const dgName = `${props.prefix}-functions`;
    this.dynamicGroup = new IdentityDynamicGroup(this, "functions", {
      compartmentId: props.tenancyId,
      name: dgName,
      description: "iam-adb-sync functions (resource principal)",
      matchingRule: `ALL {resource.type = 'fnfunc', resource.compartment.id = '${props.compartmentId}'}`,
    });
    this.functionPolicy = new IdentityPolicy(this, "function-policy", {
      compartmentId: props.tenancyId,
      name: `${props.prefix}-function`,
      description: "iam-adb-sync functions: their secrets, the audit bucket, IAM name look-up",
      statements: functionStatements(this.dynamicGroup.name, props),
    });
    this.servicePolicy = new IdentityPolicy(this, "service-policy", {
      compartmentId: props.tenancyId,
      name: `${props.prefix}-services`,
      description: "iam-adb-sync: Events may invoke the functions; Functions may use the subnet and registry",
      statements: serviceStatements(props),
    });
  }
}
