import { scimUserRecord, USER_STATE } from "../../function/src/identity/scim-user";

const fault = (detail: string) => new Error(detail);
const record = (resource: unknown) => scimUserRecord(resource, fault);

/** The hand-checked path and zod must agree: what one accepts the record shows, what both refuse is named. */
describe("SCIM user at the identity boundary", () => {
  it("maps groups by OCID when the domain gives one, else by SCIM id, with their display names", () => {
    const u = { ocid: "ocid1.user.oc1..a", userName: "ada@example.com", active: true, groups: [{ value: "g1", ocid: "ocid1.group.oc1..g", display: "DBA Team" }, { value: "g2" }], extra: { ignored: true } };
    expect(record(u)).toEqual({ ocid: "ocid1.user.oc1..a", userName: "ada@example.com", blocked: false, groups: [{ id: "ocid1.group.oc1..g", name: "DBA Team" }, { id: "g2", name: "" }] });
  });

  it.each([
    ["inactive", { active: false }],
    ["locked", { [USER_STATE]: { locked: { on: true } } }],
  ])("a %s user is blocked", (_, extra) => {
    expect(record({ ocid: "ocid1.user.oc1..b", userName: "bob", ...extra }).blocked).toBe(true);
  });

  it("a user with no groups attribute has none, and an unlocked state is not blocked", () => {
    expect(record({ ocid: "ocid1.user.oc1..c", userName: "cy", [USER_STATE]: { locked: { on: false } } })).toEqual({ ocid: "ocid1.user.oc1..c", userName: "cy", blocked: false, groups: [] });
  });

  it.each([
    ["a user name outside the IAM alphabet", { ocid: "o", userName: "x'; DROP USER y --" }, /^userName may only contain/],
    ["an empty user name", { ocid: "o", userName: "" }, /^userName is empty/],
    ["no ocid", { userName: "ada" }, /^ocid Required/],
    ["a string for active", { ocid: "o", userName: "ada", active: "false" }, /^active Expected boolean/],
    ["a lock state that is not a boolean", { ocid: "o", userName: "ada", [USER_STATE]: { locked: { on: "yes" } } }, /locked\.on Expected boolean/],
    ["groups that are not a list", { ocid: "o", userName: "ada", groups: {} }, /^groups Expected array/],
    ["a group without its id", { ocid: "o", userName: "ada", groups: [{ display: "x" }] }, /^groups\.0\.value Required/],
    ["a group name with a line separator", { ocid: "o", userName: "ada", groups: [{ value: "g", display: "a\u2028b" }] }, /^groups\.0\.display contains control/],
    ["a group name longer than 255 characters", { ocid: "o", userName: "ada", groups: [{ value: "g", display: "x".repeat(256) }] }, /^groups\.0\.display is longer than 255/],
    ["not an object", "ada", /^reply Expected object/],
  ])("refuses %s, naming the field", (_, resource, message) => {
    expect(() => record(resource)).toThrow(message);
  });
});
