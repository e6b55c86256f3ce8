import { Construct } from "constructs";
import { CoreNatGateway } from "../.gen/providers/oci/core-nat-gateway";
import { CoreRouteTable } from "../.gen/providers/oci/core-route-table";
import { CoreSecurityList } from "../.gen/providers/oci/core-security-list";
import { CoreServiceGateway } from "../.gen/providers/oci/core-service-gateway";
import { CoreSubnet } from "../.gen/providers/oci/core-subnet";
import { CoreVcn } from "../.gen/providers/oci/core-vcn";
import { DataOciCoreServices } from "../.gen/providers/oci/data-oci-core-services";
import type { Environment } from "../config/environment-schema";

export interface NetworkProps {
  prefix: string;
  compartmentId: string;
  network: Environment["network"];
}

/**
 * Where the functions run: an existing subnet, or a created VCN with one private subnet whose traffic to
 * Oracle services (Vault, Object Storage, IAM) stays on the service gateway and whose traffic to the database's
 * public ORDS endpoint leaves through NAT. Nothing can connect in.
 */
export class Network extends Construct {
  readonly subnetId: string;
  /** Compartment holding the subnet (the Functions service needs to use its network resources). */
  readonly compartmentId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if ("subnetOcid" in props.network) {
      this.subnetId = props.network.subnetOcid;
      this.compartmentId = props.network.compartmentOcid ?? props.compartmentId;
      return;
    }
    const { vcnCidr, subnetCidr } = props.network.create;
    const compartmentId = props.compartmentId;
    this.compartmentId = compartmentId;

    const vcn = new CoreVcn(this, "vcn", {
      compartmentId,
      displayName: `${props.prefix}-vcn`,
      cidrBlocks: [vcnCidr],
      // The prefix starts with a letter (config schema), as a DNS label must.
      dnsLabel: props.prefix.replace(/[^a-z0-9]/g, "").slice(0, 15),
    });
    const nat = new CoreNatGateway(this, "nat", {
      compartmentId,
      vcnId: vcn.id,
      displayName: `${props.prefix}-nat`,
    });
    const services = new DataOciCoreServices(this, "oracle-services", {
      filter: [{ name: "name", values: ["All .* Services In Oracle Services Network"], regex: true }],
    });
    const oracleServices = services.services.get(0);
    const sgw = new CoreServiceGateway(this, "sgw", {
      compartmentId,
      vcnId: vcn.id,
      displayName: `${props.prefix}-sgw`,
      services: [{ serviceId: oracleServices.id }],
    });
    const routes = new CoreRouteTable(this, "routes", {
      compartmentId,
      vcnId: vcn.id,
      displayName: `${props.prefix}-private-rt`,
      routeRules: [
        {
          destination: oracleServices.cidrBlock,
          destinationType: "SERVICE_CIDR_BLOCK",
          networkEntityId: sgw.id,
          description: "Oracle services (Vault, Object Storage, IAM) through the service gateway",
        },
        {
          destination: "0.0.0.0/0",
          destinationType: "CIDR_BLOCK",
          networkEntityId: nat.id,
          description: "database ORDS endpoint and registry through NAT",
        },
      ],
    });
    const egressOnly = new CoreSecurityList(this, "egress", {
      compartmentId,
      vcnId: vcn.id,
      displayName: `${props.prefix}-egress-https`,
      egressSecurityRules: [
        {
          destination: "0.0.0.0/0",
          destinationType: "CIDR_BLOCK",
          protocol: "6",
          stateless: false,
          tcpOptions: { min: 443, max: 443 },
          description: "HTTPS only: ORDS, Vault, Object Storage, IAM",
        },
      ],
    });
    const subnet = new CoreSubnet(this, "subnet", {
      compartmentId,
      vcnId: vcn.id,
      cidrBlock: subnetCidr,
      displayName: `${props.prefix}-functions`,
      dnsLabel: "functions",
      prohibitPublicIpOnVnic: true,
      routeTableId: routes.id,
      securityListIds: [egressOnly.id],
    });
    this.subnetId = subnet.id;
  }
}
