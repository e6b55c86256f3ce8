import { Writable } from "node:stream";
import pino from "pino";
import { censoringChildren, loggerOptions } from "../../function/src/log/logger";

/** The function's own logger options, writing to memory: what a line would carry to OCI Logging. */
function capture(bindings: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const log = censoringChildren(pino(loggerOptions("info", bindings), sink));
  return { log, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("log lines never carry secrets", () => {
  it("censors sensitive keys at the top of a line and one level down, and leaves the rest as passed", () => {
    const { log, json, lines } = capture();
    const passed = { token: "tok-123", principal: { name: "jane", password: "Pw-1", clientSecret: "cs-1" }, headers: { authorization: "Bearer abc.def", accept: "json" }, count: 2 };
    log.info(passed, "calling");
    const [line] = json();
    expect(line).toMatchObject({ msg: "calling", token: "[redacted]", principal: { name: "jane", password: "[redacted]", clientSecret: "[redacted]" }, headers: { authorization: "[redacted]", accept: "json" }, count: 2 });
    expect(lines.join("")).not.toMatch(/tok-123|Pw-1|cs-1|abc\.def/);
    // The caller's object is not changed by the logger.
    expect(passed.principal.password).toBe("Pw-1");
  });

  it("censors a child's bindings and the logger's own", () => {
    const { log, lines } = capture({ secret: "base-secret" });
    const child = log.child({ access_token: "child-token", callId: "c1" });
    child.info("x");
    child.child({ headers: { Authorization: "Basic grandchild" } }).info("y");
    expect(JSON.parse(lines[0])).toMatchObject({ secret: "[redacted]", access_token: "[redacted]", callId: "c1" });
    expect(JSON.parse(lines[1])).toMatchObject({ access_token: "[redacted]", headers: { Authorization: "[redacted]" } });
    expect(lines.join("")).not.toMatch(/base-secret|child-token|grandchild/);
  });

  it("an error with a sensitive property is still logged as an error, its secret censored", () => {
    const { log, json } = capture();
    const err = Object.assign(new Error("ORDS said no"), { token: "err-token" });
    log.error({ err }, "failed");
    const logged = json()[0].err as Record<string, unknown>;
    expect(logged).toMatchObject({ type: "Error", message: "ORDS said no", token: "[redacted]" });
    expect(String(logged.stack)).toContain("ORDS said no");
    expect(err.token).toBe("err-token");
  });

  it("a line without sensitive keys is logged as passed", () => {
    const { log, json } = capture();
    const nested = { user: { name: "ada", groups: ["DBA"] } };
    log.info(nested, "plain");
    expect(json()[0]).toMatchObject(nested);
  });
});
