import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { EventsRule } from "../.gen/providers/oci/events-rule";

/**
 * The IAM event types the provisioning function handles. Infra keeps its own copy (it never imports function
 * code); test/infra checks it against the function's list.
 */
export const HANDLED_EVENT_TYPES = [
  "com.oraclecloud.identitycontrolplane.createuser",
  "com.oraclecloud.identitycontrolplane.createfederateduser",
  "com.oraclecloud.identitycontrolplane.deleteuser",
  "com.oraclecloud.identitycontrolplane.addusertogroup",
  "com.oraclecloud.identitycontrolplane.removeuserfromgroup",
  "com.oraclecloud.identitycontrolplane.updateuserstate",
  "com.oraclecloud.identitycontrolplane.activateuser",
  "com.oraclecloud.identitycontrolplane.deactivateuser",
] as const;

export interface IamEventsRuleProps {
  prefix: string;
  /** IAM events are emitted at tenancy level, so the rule lives in the root compartment. */
  tenancyId: string;
  functionId: string;
  /** IAM events are delivered in the home region: the rule is written there. */
  provider: TerraformProvider;
}

/** Routes exactly the handled IAM events to the provisioning function (FAAS action). */
export class IamEventsRule extends Construct {
  readonly rule: EventsRule;

  constructor(scope: Construct, id: string, props: IamEventsRuleProps) {
    super(scope, id);
    this.rule = new EventsRule(this, "rule", {
      provider: props.provider,
      compartmentId: props.tenancyId,
      displayName: `${props.prefix}-iam-events`,
      description: "IAM user and group-membership changes → database account provisioning",
      isEnabled: true,
      condition: JSON.stringify({ eventType: HANDLED_EVENT_TYPES }),
      actions: {
        actions: [{ actionType: "FAAS", isEnabled: true, functionId: props.functionId, description: "provision" }],
      },
    });
  }
}
