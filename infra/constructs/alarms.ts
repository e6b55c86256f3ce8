import { Construct } from "constructs";
import { MonitoringAlarm } from "../.gen/providers/oci/monitoring-alarm";
import { OnsNotificationTopic } from "../.gen/providers/oci/ons-notification-topic";
import { OnsSubscription } from "../.gen/providers/oci/ons-subscription";

export interface FunctionAlarmsProps {
  prefix: string;
  compartmentId: string;
  email: string;
  /** Functions to watch, by display name → OCID reference. */
  functionIds: Record<string, string>;
}

/** MQL for "this function answered with an error at least once in the last minute" (oci_faas metrics). */
export function errorQuery(functionId: string): string {
  return `FunctionResponseCount[1m]{resourceId = "${functionId}", responseType = "Error"}.sum() > 0`;
}

/** Function errors → a notification topic → e-mail. The subscriber must confirm the e-mail once. */
export class FunctionAlarms extends Construct {
  readonly topic: OnsNotificationTopic;
  readonly alarms: MonitoringAlarm[] = [];

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    this.topic = new OnsNotificationTopic(this, "topic", {
      compartmentId: props.compartmentId,
      // Topic names are unique per tenancy and allow letters, digits, - and _.
      name: `${props.prefix}-alerts`,
      description: "iam-adb-sync function errors",
    });
    new OnsSubscription(this, "email", {
      compartmentId: props.compartmentId,
      topicId: this.topic.id,
      protocol: "EMAIL",
      endpoint: props.email,
    });
    for (const [name, fnId] of Object.entries(props.functionIds)) {
      this.alarms.push(
        new MonitoringAlarm(this, `errors-${name}`, {
          compartmentId: props.compartmentId,
          metricCompartmentId: props.compartmentId,
          displayName: `${props.prefix} ${name} errors`,
          namespace: "oci_faas",
          query: errorQuery(fnId),
          severity: "CRITICAL",
          isEnabled: true,
          destinations: [this.topic.id],
          pendingDuration: "PT1M",
          body: `Function ${name} returned errors; see the invoke log of ${props.prefix}-app.`,
          messageFormat: "ONS_OPTIMIZED",
        }),
      );
    }
  }
}
