import { fetch as undiciFetch, ProxyAgent } from "undici";

const agents = new Map<string, ProxyAgent>();

/**
 * A fetch that sends every request through an HTTP proxy (CONNECT tunnel), for token endpoints the
 * function's network reaches only through one (Microsoft Entra from a private subnet). One agent per proxy
 * URL keeps its connections alive across invocations.
 */
export function proxiedFetch(proxyUrl: string): typeof fetch {
  let agent = agents.get(proxyUrl);
  if (!agent) agents.set(proxyUrl, (agent = new ProxyAgent(proxyUrl)));
  const dispatcher = agent;
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof fetch;
}
