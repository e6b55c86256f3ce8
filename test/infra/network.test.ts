import { ref, resources, single, synthCheckedIn } from "./synth";

describe("network construct", () => {
  const s = synthCheckedIn("example");

  it("creates a VCN with one private subnet, NAT and a service gateway for all Oracle services", () => {
    expect(single(s, "oci_core_vcn").cidr_blocks).toEqual(["10.20.0.0/16"]);
    const subnet = single(s, "oci_core_subnet");
    expect(subnet).toMatchObject({
      cidr_block: "10.20.1.0/24",
      prohibit_public_ip_on_vnic: true,
      vcn_id: ref(s, "oci_core_vcn"),
      route_table_id: ref(s, "oci_core_route_table"),
      security_list_ids: [ref(s, "oci_core_security_list")],
    });
    const [servicesName] = Object.keys(s.doc.data?.oci_core_services ?? {});
    expect(s.doc.data?.oci_core_services[servicesName].filter).toEqual([
      { name: "name", values: ["All .* Services In Oracle Services Network"], regex: true },
    ]);
    expect(single(s, "oci_core_service_gateway").services).toEqual([
      { service_id: `\${data.oci_core_services.${servicesName}.services[0].id}` },
    ]);
  });

  it("routes Oracle services to the service gateway and everything else to NAT", () => {
    const rules = single(s, "oci_core_route_table").route_rules as Record<string, string>[];
    expect(rules.map((r) => [r.destination_type, r.network_entity_id])).toEqual([
      ["SERVICE_CIDR_BLOCK", ref(s, "oci_core_service_gateway")],
      ["CIDR_BLOCK", ref(s, "oci_core_nat_gateway")],
    ]);
    expect(rules[1].destination).toBe("0.0.0.0/0");
  });

  it("allows HTTPS out and nothing in", () => {
    const list = single(s, "oci_core_security_list");
    expect(list.ingress_security_rules).toBeUndefined();
    expect(list.egress_security_rules).toEqual([
      expect.objectContaining({ destination: "0.0.0.0/0", protocol: "6", tcp_options: { min: 443, max: 443 } }),
    ]);
  });

  it("uses an existing subnet without creating network resources", () => {
    const prod = synthCheckedIn("prod-eu");
    for (const t of ["oci_core_vcn", "oci_core_subnet", "oci_core_nat_gateway", "oci_core_service_gateway"]) {
      expect(resources(prod, t)).toEqual({});
    }
    expect(single(prod, "oci_functions_application").subnet_ids).toEqual([
      "ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaaprodfunctions",
    ]);
  });
});
