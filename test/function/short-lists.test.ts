import { insertSorted, sameMembers } from "../../function/src/util/short-lists";

describe("short string lists (a user's mapped groups)", () => {
  it("keeps a list ascending and distinct, as a Set sorted with sort() would be", () => {
    const inputs = ["b", "a", "c", "a", "B", "ä", "", "b"];
    const list: string[] = [];
    for (const s of inputs) insertSorted(list, s);
    expect(list).toEqual([...new Set(inputs)].sort());
  });

  it("compares as multisets: order does not count, repetitions do", () => {
    expect(sameMembers(["a", "b"], ["b", "a"])).toBe(true);
    expect(sameMembers([], [])).toBe(true);
    expect(sameMembers(["a", "a", "b"], ["a", "b", "b"])).toBe(false);
    expect(sameMembers(["a"], ["a", "a"])).toBe(false);
    expect(sameMembers(["a\nb"], ["a", "b"])).toBe(false);
  });
});
