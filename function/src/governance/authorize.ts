import { z } from "zod";
import { GovernanceError } from "./errors";

/** Where the connected system lives; the templates carry only placeholders for it. */
export interface Target {
  scheme: string;
  host: string;
  /** Prefixed to every template path (e.g. the ORDS schema alias /ords/admin). */
  basePath?: string;
}

const header = z.object({ name: z.string(), value: z.string().optional() }).passthrough();

interface RequestNode {
  [key: string]: unknown;
  uri: { [key: string]: unknown; path: string };
  headers?: z.infer<typeof header>[];
  subRequests?: RequestNode[];
}

/** The parts of a request template this module rewrites; everything else passes through untouched. */
const requestNode: z.ZodType<RequestNode> = z.lazy(() =>
  z
    .object({
      uri: z.object({ path: z.string() }).passthrough(),
      headers: z.array(header).optional(),
      subRequests: z.array(requestNode).optional(),
    })
    .passthrough(),
);

/**
 * Points a request (or test) template at the connected system and sets its credentials: uri.scheme and
 * uri.host on the request and every sub-request, basePath in front of each path, and every Authorization
 * header (one is added where a request has none). `<EL>`, `<JP>` and `UQ:` text is left as it is: Access
 * Governance evaluates it when it runs the request.
 */
export function authorizeRequest(template: unknown, target: Target, authorization: string, where: string): Record<string, unknown> {
  const parsed = requestNode.safeParse(template);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new GovernanceError(500, "bad_template", `${where}: ${i.path.join(".") || "template"} ${i.message}`);
  }
  const visit = (node: RequestNode): void => {
    node.uri.scheme = target.scheme;
    node.uri.host = target.host;
    if (target.basePath) node.uri.path = target.basePath + node.uri.path;
    const headers = node.headers ?? [];
    const auth = headers.filter((h) => h.name.toLowerCase() === "authorization");
    if (auth.length === 0) headers.push({ name: "Authorization", value: authorization });
    for (const h of auth) h.value = authorization;
    node.headers = headers;
    node.subRequests?.forEach(visit);
  };
  visit(parsed.data);
  return parsed.data;
}
