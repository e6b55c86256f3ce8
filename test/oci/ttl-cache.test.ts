import { AsyncTtlCache } from "../../function/src/oci/ttl-cache";

describe("AsyncTtlCache", () => {
  it("drops a failed load at once, so the next get loads again", async () => {
    const cache = new AsyncTtlCache<number>(60_000);
    let loads = 0;
    const failing = () => {
      loads++;
      return Promise.reject(new Error("boom"));
    };
    await expect(cache.get("k", failing).value).rejects.toThrow("boom");
    const second = cache.get("k", async () => ++loads);
    expect(second.hit).toBe(false);
    expect(await second.value).toBe(2);
    expect(cache.get("k", async () => 99).hit).toBe(true);
  });

  it("evicts the oldest entry beyond maxEntries", async () => {
    const cache = new AsyncTtlCache<string>(60_000, Date.now, 2);
    for (const k of ["a", "b", "c"]) await cache.get(k, async () => k).value;
    expect(cache.get("a", async () => "a2").hit).toBe(false);
    expect(cache.get("c", async () => "c2").hit).toBe(true);
  });
});
