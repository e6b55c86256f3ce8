import * as fdk from "@fnproject/fdk";
import { routeConsoleTo } from "./log/console";
import { createLogger } from "./log/logger";
import { route } from "./runtime/router";
import type { Invocation } from "./runtime/invocation";

/**
 * The fdk only reports failure by a rejected promise (502 with the error's toString as `detail`), and it
 * crashes on an undefined result; so every reply is shaped here and failures are thrown as a JSON message
 * that our own code wrote (never carrying a secret).
 */
class InvocationFailed extends Error {
  override name = "InvocationFailed";
}

interface FdkContext {
  config: Record<string, string | undefined>;
  deadline: Date | null;
  callID: string;
  setResponseHeader(key: string, value: string): void;
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];
const level = process.env.LOG_LEVEL ?? "";
routeConsoleTo(createLogger(LEVELS.includes(level) ? level : "info"));

fdk.handle(
  async (input: string, ctx: FdkContext) => {
    const inv: Invocation = {
      body: typeof input === "string" ? input : String(input ?? ""),
      config: ctx.config,
      deadline: ctx.deadline,
      callId: ctx.callID,
    };
    const reply = await route(inv);
    ctx.setResponseHeader("Fn-Http-Status", String(reply.status));
    if (reply.status >= 400) throw new InvocationFailed(JSON.stringify(reply.body));
    return reply.body;
  },
  { inputMode: "string" },
);
