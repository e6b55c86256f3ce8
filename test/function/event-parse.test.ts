import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEvent } from "../../function/src/events/parse";
import { EVENT_TYPES, RULE_EVENT_TYPES } from "../../function/src/events/event-types";
import { EXAMPLES } from "../support/paths";

const example = (name: string) => readFileSync(join(EXAMPLES, "events", `${name}.json`), "utf8");
const mutate = (name: string, f: (e: Record<string, any>) => void) => {
  const e = JSON.parse(example(name));
  f(e);
  return JSON.stringify(e);
};

describe("event parsing", () => {
  it("reads a create-user event with its name and OCID", () => {
    const r = parseEvent(example("createuser"));
    expect(r).toEqual({
      kind: "event",
      event: {
        eventId: "evt-0001-create-jane",
        eventType: "com.oraclecloud.identitycontrolplane.createuser",
        eventTime: "2026-11-02T09:00:00Z",
        action: "user.created",
        user: { id: "ocid1.user.oc1..aaaajane", name: "jane.doe@example.com" },
      },
    });
  });

  it("reads membership events from additionalDetails, not the membership resource", () => {
    const r = parseEvent(example("addusertogroup"));
    expect(r.kind === "event" && r.event).toMatchObject({
      action: "member.added",
      user: { id: "ocid1.user.oc1..aaaajane" },
      group: { id: "ocid1.group.oc1..aaaareaders" },
    });
    const rm = parseEvent(example("removeuserfromgroup"));
    expect(rm.kind === "event" && rm.event.action).toBe("member.removed");
  });

  it("reads user state in its several spellings", () => {
    const get = (s: string) => {
      const r = parseEvent(s);
      return r.kind === "event" ? r.event.blocked : "not an event";
    };
    expect(get(example("updateuserstate-blocked"))).toBe(true);
    expect(get(example("updateuserstate-unblocked"))).toBe(false);
    expect(get(example("deactivateuser"))).toBe(true);
    expect(get(mutate("updateuserstate-blocked", (e) => (e.data.additionalDetails = { userId: "ocid1.user.oc1..aaaajane", inactiveStatus: 4 })))).toBe(true);
    expect(get(mutate("updateuserstate-blocked", (e) => (e.data.additionalDetails = { userId: "ocid1.user.oc1..aaaajane", lifecycleState: "ACTIVE" })))).toBe(false);
    expect(get(mutate("updateuserstate-blocked", (e) => (e.data.additionalDetails = { userId: "ocid1.user.oc1..aaaajane" })))).toBeUndefined();
  });

  it("accepts the CamelCase spelling OCI Audit uses", () => {
    const r = parseEvent(example("createuser-camelcase-audit"));
    expect(r.kind === "event" && r.event.eventType).toBe("com.oraclecloud.identitycontrolplane.createuser");
  });

  it("accepts an event that carries only ids", () => {
    const r = parseEvent(example("createuser-ids-only"));
    expect(r.kind === "event" && r.event.user).toEqual({ id: "ocid1.user.oc1..aaaacarol", name: undefined });
  });

  it("ignores other event types, saying why", () => {
    expect(parseEvent(example("unrelated-createbucket"))).toEqual({
      kind: "ignored",
      eventId: "evt-0011-bucket",
      eventType: "com.oraclecloud.objectstorage.createbucket",
      reason: 'event type "com.oraclecloud.objectstorage.createbucket" is not one this function handles',
    });
  });

  it.each([
    ["not JSON", "{nope", /not JSON/],
    ["an array", "[]", /not an OCI event/],
    ["CloudEvents 1.0", mutate("createuser", (e) => (e.cloudEventsVersion = "1.0")), /cloudEventsVersion must be "0.1"/],
    ["no eventID", mutate("createuser", (e) => delete e.eventID), /eventID/],
    ["an eventID with quotes", mutate("createuser", (e) => (e.eventID = "x';--")), /eventID may only contain/],
    ["no data", mutate("createuser", (e) => delete e.data), /data/],
    ["no user OCID", mutate("createuser", (e) => { delete e.data.resourceId; delete e.data.additionalDetails; }), /no user OCID/],
    ["a bad user OCID", mutate("createuser", (e) => (e.data.additionalDetails.userId = "ocid1.user'--")), /user id .* is not an OCID/],
    ["a membership without group", mutate("addusertogroup", (e) => delete e.data.additionalDetails.groupId), /no group OCID/],
  ])("refuses %s with a specific error", (_what, body, message) => {
    const r = parseEvent(body);
    expect(r.kind).toBe("invalid");
    expect(r.kind === "invalid" && r.error).toMatch(message);
  });

  it.each([
    ["quotes and SQL", 'x"; DROP USER ADMIN CASCADE; --'],
    ["unicode", "jöhn"],
    ["NUL", "a\u0000b"],
    ["256 bytes", "a".repeat(256)],
    ["a space", "jane doe"],
  ])("refuses a user name with %s before it can reach SQL", (_what, name) => {
    const r = parseEvent(mutate("createuser", (e) => (e.data.resourceName = name)));
    expect(r.kind).toBe("invalid");
    expect(r.kind === "invalid" && r.error).toMatch(/user name at \$\.data\.resourceName/);
  });

  it("accepts IAM-alphabet names that look odd but cannot break out of a literal", () => {
    for (const name of ["jane--", "a+b@x.io", "a".repeat(200)]) {
      const r = parseEvent(mutate("createuser", (e) => (e.data.resourceName = name)));
      expect(r.kind === "event" && r.event.user.name).toBe(name);
    }
  });

  it("the example hostile event is refused", () => {
    expect(parseEvent(example("hostile-name")).kind).toBe("invalid");
  });

  it("exposes exactly the handled types for the Events rule", () => {
    expect(RULE_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        "com.oraclecloud.identitycontrolplane.createuser",
        "com.oraclecloud.identitycontrolplane.deleteuser",
        "com.oraclecloud.identitycontrolplane.addusertogroup",
        "com.oraclecloud.identitycontrolplane.removeuserfromgroup",
        "com.oraclecloud.identitycontrolplane.updateuserstate",
      ]),
    );
    expect(RULE_EVENT_TYPES.every((t) => t === t.toLowerCase())).toBe(true);
  });

  it("every path of the event types is a plain dotted path from the root (the parser walks nothing else)", () => {
    const paths = Object.values(EVENT_TYPES).flatMap((spec) => [spec.userId, spec.userName, spec.groupId ?? [], spec.groupName ?? [], spec.blocked ?? []].flat());
    expect(paths.filter((p) => !/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(p))).toEqual([]);
  });

  it("reads own fields only: an inherited property or an array index is no user id", () => {
    const inherited = mutate("createuser", (e) => {
      delete e.data.additionalDetails.userId;
      delete e.data.additionalDetails.targetId;
      e.data.resourceId = undefined;
      e.data.additionalDetails = Object.assign([], { length: 0 });
    });
    expect(parseEvent(inherited)).toMatchObject({ kind: "invalid", error: expect.stringContaining("no user OCID") });
    const viaProto = mutate("createuser", (e) => {
      e.data.additionalDetails = { ["__proto__"]: { userId: "ocid1.user.oc1..forged" } };
      delete e.data.resourceId;
    });
    expect(parseEvent(viaProto)).toMatchObject({ kind: "invalid", error: expect.stringContaining("no user OCID") });
  });
});

describe("examples/events", () => {
  it("has a sample for every supported event type, and each parses", () => {
    const files = readdirSync(join(EXAMPLES, "events")).filter((f) => f.endsWith(".json"));
    const covered = new Set<string>();
    for (const f of files) {
      const r = parseEvent(readFileSync(join(EXAMPLES, "events", f), "utf8"));
      if (r.kind === "event") covered.add(r.event.eventType);
    }
    expect([...covered].sort()).toEqual([...RULE_EVENT_TYPES].sort());
  });
});
