import * as fdk from "@fnproject/fdk";
import { routeConsoleTo } from "./log/console";
import { createLogger } from "./log/logger";
import { fdkAnswer } from "./runtime/failure";
import { route } from "./runtime/router";
import type { Invocation } from "./runtime/invocation";

/**
 * The fdk only reports failure by a rejected promise (502 with the error's toString as `detail`), and it
 * crashes on an undefined result; so every reply is shaped here (see `fdkAnswer` for what a caller gets),
 * and failures are thrown as a JSON message that our own code wrote (never carrying a secret).
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

/**
 * The fdk's ctx.config copies all of process.env on every read; the function's config is that environment,
 * set when the container starts, so one copy serves every invocation of the process.
 */
let config: Record<string, string | undefined> | undefined;

fdk.handle(
  async (input: string, ctx: FdkContext) => {
    config ??= ctx.config;
    const inv: Invocation = {
      body: typeof input === "string" ? input : String(input ?? ""),
      config,
      deadline: ctx.deadline,
      callId: ctx.callID,
    };
    const answer = fdkAnswer(await route(inv), config.FUNCTION_ROLE ?? "provision");
    if (answer.settle === "reject") throw new InvocationFailed(JSON.stringify(answer.body));
    ctx.setResponseHeader("Fn-Http-Status", String(answer.httpStatus));
    return answer.body;
  },
  { inputMode: "string" },
);
