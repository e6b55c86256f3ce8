import type { Agent } from "node:http";

const agents = new Map<string, Agent>();

/**
 * An https agent that tunnels every connection through an HTTP proxy (CONNECT), for token endpoints the
 * function's network reaches only through one (Microsoft Entra from a private subnet). The proxy library
 * is imported only here, so only a configuration that names a proxy loads it; it changes no global state
 * (other connections stay direct). One agent per proxy URL keeps its connections alive across invocations.
 */
export async function proxyAgent(proxyUrl: string): Promise<Agent> {
  let agent = agents.get(proxyUrl);
  if (!agent) {
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    agents.set(proxyUrl, (agent = new HttpsProxyAgent(proxyUrl, { keepAlive: true })));
  }
  return agent;
}
