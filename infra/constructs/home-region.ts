import { DataResource, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { DataOciIdentityDomain } from "../.gen/providers/oci/data-oci-identity-domain";
import { DataOciIdentityRegionSubscriptions } from "../.gen/providers/oci/data-oci-identity-region-subscriptions";

export interface HomeRegionCheckProps {
  tenancyId: string;
  /** The region the configuration says is home (where IAM writes, the Events rule and the functions go). */
  homeRegion: string;
  /** Identity domain whose events and users the functions handle; its home region must be the same. */
  identityDomainId?: string;
  provider: TerraformProvider;
}

/**
 * Fails the plan, before anything is created, when the configured home region is not the tenancy's home region
 * (read from the tenancy's region subscriptions) or the identity domain lives in another region. Everything
 * that must be in the home region depends on `check`.
 */
export class HomeRegionCheck extends Construct {
  readonly check: DataResource;

  constructor(scope: Construct, id: string, props: HomeRegionCheckProps) {
    super(scope, id);
    const subs = new DataOciIdentityRegionSubscriptions(this, "subscriptions", { provider: props.provider, tenancyId: props.tenancyId });
    const home = `one([for r in data.oci_identity_region_subscriptions.${subs.friendlyUniqueId}.region_subscriptions : r.region_name if r.is_home_region])`;
    const preconditions = [
      {
        condition: `\${${home} == "${props.homeRegion}"}`,
        errorMessage:
          `The configured region ${props.homeRegion} is not the tenancy's home region: IAM writes, IAM events and the ` +
          "Events rule live in the home region. Set region (and homeRegion) in the environment file to the home region.",
      },
    ];
    if (props.identityDomainId) {
      const domain = new DataOciIdentityDomain(this, "domain", { provider: props.provider, domainId: props.identityDomainId });
      preconditions.push({
        condition: `\${data.oci_identity_domain.${domain.friendlyUniqueId}.home_region == "${props.homeRegion}"}`,
        errorMessage:
          `The identity domain ${props.identityDomainId} (provisioning.identityDomainOcid) is homed in another region ` +
          `than ${props.homeRegion}: deploy to the domain's home region, or use a domain homed in ${props.homeRegion}.`,
      });
    }
    this.check = new DataResource(this, "check", {
      input: { home_region: props.homeRegion },
      lifecycle: { precondition: preconditions },
    });
  }
}
