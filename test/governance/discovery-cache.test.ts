import { createLogger } from "../../function/src/log/logger";
import { createCustomAttributeSource } from "../../function/src/governance/discovery";
import { DiscoveryError, type CustomAttribute, type DiscoveryProfile } from "../../function/src/governance/discovery/custom-attribute";
import type { ConnectedSystem } from "../../function/src/governance/config";

/** The discovery cache on its own: TTL, the shorter memory of a failure, shared in-flight discovery, reserved names. */

const system = { name: "Domain", application: "idcs", scheme: "http", host: "127.0.0.1:9", auth: { type: "basic", secret: "ocid1.vaultsecret.oc1..x" } } as ConnectedSystem;
const authorizer = { header: () => Promise.resolve("Basic eA==") };
const log = createLogger("silent");

function profile(answers: (CustomAttribute[] | Error)[]): DiscoveryProfile & { calls: number } {
  const p = {
    calls: 0,
    identityEntity: "UserAsIdentity",
    responseValue: () => "",
    async discover() {
      const a = answers[Math.min(p.calls++, answers.length - 1)];
      await new Promise((r) => setTimeout(r, 5));
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return p;
}
const attr = (name: string): CustomAttribute => ({ name, dataType: "TEXT", multiValued: false });

it("reuses an answer for the TTL and asks again after it", async () => {
  let t = 0;
  const p = profile([[attr("a")], [attr("a"), attr("b")]]);
  const src = createCustomAttributeSource({ system, profile: p, authorizer, log, ttlSeconds: 300, reserved: new Set(), now: () => t });
  expect(await src.get(null)).toEqual([attr("a")]);
  t = 299_000;
  expect(await src.get(null)).toEqual([attr("a")]);
  t = 300_001;
  expect(await src.get(null)).toEqual([attr("a"), attr("b")]);
  expect(p.calls).toBe(2);
});

it("remembers a failure for a minute at most, then tries again", async () => {
  let t = 0;
  const p = profile([new DiscoveryError("GET /admin/v1/Schemas answered 403"), [attr("a")]]);
  const src = createCustomAttributeSource({ system, profile: p, authorizer, log, ttlSeconds: 300, reserved: new Set(), now: () => t });
  expect(await src.get(null)).toBeUndefined();
  t = 59_000;
  expect(await src.get(null)).toBeUndefined();
  t = 60_001;
  expect(await src.get(null)).toEqual([attr("a")]);
  expect(p.calls).toBe(2);
});

it("concurrent callers share one discovery; names of the static class are left out", async () => {
  const p = profile([[attr("costCentre"), attr("department")]]);
  const src = createCustomAttributeSource({ system, profile: p, authorizer, log, ttlSeconds: 0, reserved: new Set(["department"]) });
  const all = await Promise.all([src.get(null), src.get(null), src.get(null)]);
  expect(all).toEqual([[attr("costCentre")], [attr("costCentre")], [attr("costCentre")]]);
  expect(p.calls).toBe(1);
  await src.get(null);
  expect(p.calls).toBe(2); // TTL 0: nothing kept once the shared call is done
});

it("does not start when the invocation's deadline leaves too little time", async () => {
  const p = profile([[attr("a")]]);
  const src = createCustomAttributeSource({ system, profile: p, authorizer, log, ttlSeconds: 300, reserved: new Set() });
  expect(await src.get(new Date(Date.now() + 1200))).toBeUndefined();
  expect(p.calls).toBe(0);
});
