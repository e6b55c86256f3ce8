/** A parsed image reference: registry host, repository path and a tag or digest. */
export interface ImageRef {
  host: string;
  repository: string;
  reference: string;
}

const DOCKER_HUB = "registry-1.docker.io";

/**
 * Parses `[host[:port]/]repo[:tag|@sha256:…]` the way docker does: a first segment with a dot, a colon or
 * "localhost" is a host; otherwise Docker Hub, where one-segment names live under library/.
 */
export function parseImageRef(ref: string): ImageRef {
  const m = /^(?:(?<host>[^/]+)\/)?(?<path>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/.exec(
    ref,
  );
  if (!m?.groups) throw new Error(`"${ref}" is not an image reference ([host/]repository[:tag|@sha256:digest])`);
  let { host, path } = m.groups as { host?: string; path: string };
  if (host !== undefined && !/[.:]/.test(host) && host !== "localhost") {
    path = `${host}/${path}`;
    host = undefined;
  }
  if (host === undefined || host === "docker.io" || host === "index.docker.io") {
    host = DOCKER_HUB;
    if (!path.includes("/")) path = `library/${path}`;
  }
  const reference = m.groups.digest ?? m.groups.tag ?? "latest";
  return { host, repository: path, reference };
}

/** `host/repository` (no tag): the form the push CLI takes for --repo. */
export function parseRepository(repo: string): { host: string; repository: string } {
  if (/[:@][^/]*$/.test(repo.replace(/^[^/]*\//, ""))) throw new Error(`--repo "${repo}" must not carry a tag or digest`);
  const { host, repository } = parseImageRef(repo);
  return { host, repository };
}
