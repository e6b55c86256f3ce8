import { startLocalStack, type LocalStack } from "../support/local-stack";

/**
 * What a caller of the deployed function really receives, read off the fdk socket: status line, headers
 * and body (see `fdkAnswer` in function/src/runtime/failure.ts and README "What a caller receives").
 */
describe("replies as the Functions service sees them (bundled function, fdk socket)", () => {
  let s: LocalStack;
  beforeAll(async () => {
    s = await startLocalStack();
  });
  afterAll(async () => s?.stop());

  const created = (id: string, name: string) => ({
    eventType: "com.oraclecloud.identitycontrolplane.createuser",
    cloudEventsVersion: "0.1",
    eventTypeVersion: "2.0",
    source: "IdentityControlPlane",
    eventID: `evt-replies-${name}`,
    eventTime: "2026-01-01T00:00:00Z",
    contentType: "application/json",
    data: { resourceId: id, resourceName: name },
  });

  it("success: 200 OK, Fn-Http-Status 200, the fdk's headers, retryable false", async () => {
    // The function syncs what IAM says (the event only names the user): the user is in a mapped group there.
    s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaareply1", name: "reply1" });
    s.oci.identity.addMember("ocid1.group.oc1..aaaareaders", "ocid1.user.oc1..aaaareply1");
    const r = await s.send(created("ocid1.user.oc1..aaaareply1", "reply1"));
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ "fn-http-status": "200", "content-type": "application/json", "fn-fdk-version": expect.any(String) });
    expect(r.json).toMatchObject({ outcome: "applied", retryable: false });
  });

  it("a permanent refusal (invalid event) is answered 200 so no retrying caller loops; Fn-Http-Status carries the 400", async () => {
    const r = await s.send({ ...created("ocid1.user.oc1..aaaareply2", "x'; DROP USER ADMIN --"), eventID: "evt-replies-bad" });
    expect(r.status).toBe(200);
    expect(r.headers["fn-http-status"]).toBe("400");
    expect(r.json).toMatchObject({ outcome: "invalid", error: "invalid_event", retryable: false, message: expect.stringMatching(/user name/) });
  });

  it("a transient failure (ORDS down past the deadline) is the fdk's 502 without our headers; our JSON in detail says retryable", async () => {
    s.ords.faults.next({ path: "sql", status: 503, times: 50 });
    const r = await s.send(created("ocid1.user.oc1..aaaareply3", "reply3"), { deadline: new Date(Date.now() + 1500) });
    s.ords.faults.clear();
    expect(r.status).toBe(502);
    expect(r.headers["fn-http-status"]).toBeUndefined();
    const body = r.json as { message: string; detail: string };
    expect(body.message).toBe("Exception in function, consult logs for details");
    expect(body.detail).toMatch(/^InvocationFailed: \{/);
    expect(JSON.parse(body.detail.slice("InvocationFailed: ".length))).toMatchObject({ outcome: "failed", error: "unavailable", retryable: true });
  });
});
