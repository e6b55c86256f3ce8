import { dbUsernameFor } from "../../function/src/naming/db-username";
import { parseDbIdentifier, quoteIdentifier, SqlValueError, stringLiteral, privilegeKeywords } from "../../function/src/sql/quote";

describe("IAM name → database user name", () => {
  it("upper-cases and replaces characters outside the identifier alphabet", () => {
    expect(dbUsernameFor("jane.doe@example.com", "username")).toBe("JANE_DOE_EXAMPLE_COM");
    expect(dbUsernameFor("jane.doe@example.com", "email_local")).toBe("JANE_DOE");
    expect(dbUsernameFor("bob", "email_local")).toBe("BOB");
  });

  it("applies the prefix and makes the first character a letter", () => {
    expect(dbUsernameFor("jdoe", "username", "IAM_")).toBe("IAM_JDOE");
    expect(dbUsernameFor("42-admin", "username")).toBe("U_42_ADMIN");
    expect(dbUsernameFor("_x", "username")).toBe("U__X");
  });

  it("is deterministic and maps distinct names that differ only in punctuation to the same name (collision the registry catches)", () => {
    expect(dbUsernameFor("jane.doe", "username")).toBe(dbUsernameFor("jane_doe", "username"));
    expect(dbUsernameFor("Jane.Doe", "username")).toBe(dbUsernameFor("jane.doe", "username"));
  });

  it("keeps long names within 128 bytes and distinct", () => {
    const a = dbUsernameFor(`${"a".repeat(150)}x`, "username");
    const b = dbUsernameFor(`${"a".repeat(150)}y`, "username");
    expect(Buffer.byteLength(a)).toBe(128);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^A{119}_[0-9A-F]{8}$/);
  });

  it("turns non-ASCII letters into underscores instead of producing a quoted identifier", () => {
    expect(dbUsernameFor("zoë", "username")).toBe("ZO_");
  });

  it("refuses reserved and common-user names", () => {
    expect(() => dbUsernameFor("admin", "username")).toThrow(/ADMIN is reserved/);
    expect(() => dbUsernameFor("sys", "username")).toThrow(SqlValueError);
  });
});

describe("the one quoting module", () => {
  const hostile = [
    ["empty", ""],
    ["double quote", 'A"B'],
    ["single quote", "A'B"],
    ["semicolon", "A;DROP USER ADMIN"],
    ["comment", "A--"],
    ["unicode", "ÄBC"],
    ["NUL", "A\u0000B"],
    ["129 bytes", "A".repeat(129)],
    ["lower case", "abc"],
    ["space", "A B"],
  ] as const;

  it.each(hostile)("refuses a database identifier with %s", (_what, value) => {
    expect(() => parseDbIdentifier(value)).toThrow(SqlValueError);
  });

  it("accepts a 128-byte identifier and quotes it", () => {
    const id = parseDbIdentifier(`A${"B".repeat(127)}`);
    expect(quoteIdentifier(id)).toBe(`"${id}"`);
  });

  it("doubles quotes in literals and refuses control characters and oversize text", () => {
    expect(stringLiteral("it's")).toBe("'it''s'");
    expect(stringLiteral("x'; DROP USER ADMIN; --")).toBe("'x''; DROP USER ADMIN; --'");
    expect(() => stringLiteral("a\u0000b")).toThrow(/control or line-separator characters/);
    expect(() => stringLiteral("a\nb")).toThrow(/control or line-separator characters/);
    for (const c of ["\u0085", "\u009b", "\u2028", "\u2029"]) expect(() => stringLiteral(`a${c}b`)).toThrow(/control or line-separator/);
    expect(() => stringLiteral("R&D")).toThrow(/contains &/);
    expect(() => stringLiteral("x".repeat(4001))).toThrow(/longer than 4000 bytes/);
  });

  it("accepts only upper-case words as system privileges", () => {
    expect(privilegeKeywords("CREATE SESSION")).toBe("CREATE SESSION");
    expect(() => privilegeKeywords("CREATE SESSION; DROP")).toThrow(SqlValueError);
    expect(() => privilegeKeywords("DBA")).toThrow(SqlValueError);
  });
});
