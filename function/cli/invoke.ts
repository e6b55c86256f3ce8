/** `npm run invoke -- <event.json>`: sends one event to the function of a running sandbox (`npm start -- --stay`). */
import { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { invokeSocket } from "../../test/support/fdk-harness";

const SANDBOX = resolve(__dirname, "../../.sandbox/sandbox.json");

new Command("invoke")
  .argument("<event>", "path of an event JSON file (e.g. examples/events/createuser.json)")
  .action(async (file: string) => {
    if (!existsSync(SANDBOX)) {
      console.error("no sandbox is running: start one with `npm start -- --stay`");
      process.exit(2);
    }
    const { socket } = JSON.parse(readFileSync(SANDBOX, "utf8")) as { socket: string };
    const body = readFileSync(resolve(process.cwd(), file), "utf8");
    const reply = await invokeSocket(join(socket), body);
    console.log(JSON.stringify(reply.json ?? reply.body, null, 2));
    process.exitCode = reply.status === 200 ? 0 : 1;
  })
  .parse();
