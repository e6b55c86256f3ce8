import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Calls `onRequest` for every request a loopback server of this process receives while `run` runs. */
export async function watchingRequests<T>(onRequest: (request: IncomingMessage, response: ServerResponse) => void, run: () => Promise<T>): Promise<T> {
  const listener = (m: unknown) => {
    const { request, response } = m as { request: IncomingMessage; response: ServerResponse };
    onRequest(request, response);
  };
  subscribe("http.server.request.start", listener);
  try {
    return await run();
  } finally {
    unsubscribe("http.server.request.start", listener);
  }
}
