import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { findSystem, loadGovernanceConfig } from "../../src/governance/config";
import type { Target } from "../../src/governance/authorize";

/**
 * Where a preview sends its requests and with which credentials: a connected system from the same
 * AG_SYSTEMS configuration the template functions use (an --env file or the environment), or an explicit
 * application and target URL. Credentials are given directly: the preview does not read Vault.
 */

export class PreviewSetupError extends Error {
  override name = "PreviewSetupError";
}

export interface ResolvedTarget {
  app: string;
  target: Target;
}

/** AG_SYSTEMS from a KEY=VALUE file when given, else from the environment. */
export function systemsEnvironment(envFile: string | undefined, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  if (!envFile) return env;
  let text: string;
  try {
    text = readFileSync(envFile, "utf8");
  } catch {
    throw new PreviewSetupError(`--env ${envFile} cannot be read`);
  }
  return { ...parseEnv(text) };
}

/** "https://host:port/base/path" → scheme, host and base path. */
export function parseTargetUrl(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PreviewSetupError(`--target ${url} is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new PreviewSetupError(`--target must be http(s), got ${u.protocol}`);
  if (u.username || u.password || u.search) throw new PreviewSetupError("--target takes scheme, host and an optional base path only");
  const basePath = u.pathname.replace(/\/+$/, "");
  return { scheme: u.protocol.slice(0, -1), host: u.host, ...(basePath ? { basePath } : {}) };
}

export function resolveTarget(o: { system?: string; app?: string; target?: string; env: Record<string, string | undefined> }): ResolvedTarget {
  if (o.system) {
    if (!o.env.AG_SYSTEMS) throw new PreviewSetupError("--system needs AG_SYSTEMS (from --env <file> or the environment)");
    let system;
    try {
      system = findSystem(loadGovernanceConfig({ AG_SYSTEMS: o.env.AG_SYSTEMS }), o.system);
    } catch (err) {
      throw new PreviewSetupError(err instanceof Error ? err.message : String(err));
    }
    const configured: Target = { scheme: system.scheme, host: system.host, ...(system.basePath ? { basePath: system.basePath } : {}) };
    return { app: o.app ?? system.application, target: o.target ? parseTargetUrl(o.target) : configured };
  }
  if (!o.app || !o.target) throw new PreviewSetupError("give --system <name>, or --app <application> with --target <url>");
  return { app: o.app, target: parseTargetUrl(o.target) };
}

/** The Authorization value from --token or --basic; `env:NAME` reads the value from the environment. */
export function authorizationFrom(o: { token?: string; basic?: string }, env: NodeJS.ProcessEnv): string {
  const deref = (v: string, flag: string) => {
    if (!v.startsWith("env:")) return v;
    const name = v.slice(4);
    const value = env[name];
    if (!value) throw new PreviewSetupError(`${flag} env:${name}: the variable is not set`);
    return value;
  };
  if (o.token && o.basic) throw new PreviewSetupError("give --token or --basic, not both");
  if (o.token) return `Bearer ${deref(o.token, "--token")}`;
  if (o.basic) {
    const pair = deref(o.basic, "--basic");
    if (!pair.includes(":")) throw new PreviewSetupError("--basic takes user:password");
    return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
  }
  throw new PreviewSetupError("give credentials: --token <bearer token> or --basic <user:password> (the connector always sends them)");
}
