import { Construct } from "constructs";
import { ResourceSchedulerSchedule } from "../.gen/providers/oci/resource-scheduler-schedule";

export interface ReconcileScheduleProps {
  prefix: string;
  compartmentId: string;
  functionId: string;
  intervalHours: number;
}

/**
 * OCI Resource Scheduler runs the reconcile function every `intervalHours` (an iCalendar recurrence). The
 * schedule acts as its own resource principal; the service policy (iam-policies.ts) lets exactly this schedule
 * invoke functions in the compartment. The reconcile role ignores the request body, so none is sent.
 */
export class ReconcileSchedule extends Construct {
  readonly schedule: ResourceSchedulerSchedule;

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id);
    this.schedule = new ResourceSchedulerSchedule(this, "schedule", {
      compartmentId: props.compartmentId,
      displayName: `${props.prefix}-reconcile`,
      description: `iam-adb-sync: full reconcile every ${props.intervalHours} h`,
      action: "START_RESOURCE",
      recurrenceType: "ICAL",
      recurrenceDetails: `FREQ=HOURLY;INTERVAL=${props.intervalHours}`,
      resources: [{ id: props.functionId }],
    });
  }
}
