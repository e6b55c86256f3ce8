import { parseEnvelope } from "../../function/src/ords/envelope";

/** The hand-checked path of parseEnvelope must accept and refuse exactly what the envelope's schema does. */
describe("ORDS reply envelope", () => {
  const good = [
    { items: [] },
    { items: [{ statementId: 1, statementType: "query", resultSet: { items: [{ username: "HR" }], hasMore: false, limit: 10000 }, response: [] }] },
    { items: [{ statementId: 2, statementType: "ddl", result: 0, response: ["User created."] }, { statementId: 3, errorCode: 1918, errorDetails: "ORA-01918: user 'X' does not exist" }] },
    { env: { defaultTimeZone: "UTC" }, items: [{ statementId: 1, statementType: "query", resultSet: { items: [] } }] },
  ];
  it.each(good.map((g) => [JSON.stringify(g).slice(0, 60), g]))("accepts %s with every item as ORDS sent it", (_, reply) => {
    const items = parseEnvelope(reply);
    expect(items).toHaveLength((reply as { items: unknown[] }).items.length);
    expect(items?.[0]?.statementId ?? undefined).toBe((reply as { items: { statementId?: number }[] }).items[0]?.statementId);
  });

  it("fills resultSet defaults the way the schema does when ORDS leaves them out", () => {
    expect(parseEnvelope({ items: [{ resultSet: {} }] })?.[0]?.resultSet).toMatchObject({ items: [], hasMore: false });
  });

  const bad: [string, unknown][] = [
    ["no items", {}],
    ["items not an array", { items: {} }],
    ["an item that is not an object", { items: [1] }],
    ["a null errorCode", { items: [{ errorCode: null }] }],
    ["a string statementId", { items: [{ statementId: "1" }] }],
    ["response lines that are not strings", { items: [{ response: [1] }] }],
    ["rows that are not objects", { items: [{ resultSet: { items: [["HR"]], hasMore: false } }] }],
    ["a non-boolean hasMore", { items: [{ resultSet: { items: [], hasMore: "no" } }] }],
    ["not an object at all", "items"],
  ];
  it.each(bad)("refuses %s", (_, reply) => {
    expect(parseEnvelope(reply)).toBeUndefined();
  });
});
