import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync, gzipSync } from "node:zlib";
import { extract, pack } from "tar-stream";
import { imageTag } from "../../infra/image/bundle-digest";
import { pushImage } from "../../infra/image/push-image";
import { RegistryClient } from "../../infra/image/registry-client";
import { startRegistry, type TestRegistry } from "./registry-server";
import { fixtureBundle } from "./synth";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

async function tarGz(files: Record<string, string>): Promise<{ blob: Buffer; diffId: string }> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on("end", () => r()));
  for (const [name, body] of Object.entries(files)) p.entry({ name, mtime: new Date(0) }, body);
  p.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  return { blob: gzipSync(tar), diffId: sha(tar) };
}

/** Raw Registry API uploads (not the client under test): one blob, then a manifest under a tag or digest. */
async function rawPutBlob(host: string, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  expect(start.status).toBe(202);
  const loc = new URL(start.headers.get("location") as string, `http://${host}`);
  loc.searchParams.set("digest", digest);
  const put = await fetch(loc, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } });
  expect(put.status).toBe(201);
  return digest;
}

async function rawPutManifest(host: string, repo: string, ref: string, type: string, body: object): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(body));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { method: "PUT", body: bytes, headers: { "content-type": type } });
  expect(res.status).toBe(201);
  return { digest: sha(bytes), size: bytes.length };
}

/** A tiny synthetic "fn node" base: linux/amd64 and linux/arm64 images behind a manifest list. */
async function seedBase(host: string, repo: string) {
  const perArch: Record<string, { diffIds: string[]; layers: string[] }> = {};
  const entries = [];
  for (const arch of ["amd64", "arm64"]) {
    const l1 = await tarGz({ "usr/local/bin/node": `#!/bin/sh\necho node-${arch}\n` });
    const l2 = await tarGz({ "etc/fn-runtime": `node20 ${arch}\n` });
    const config = Buffer.from(
      JSON.stringify({
        architecture: arch,
        os: "linux",
        created: "2026-01-01T00:00:00Z",
        config: { Env: ["PATH=/usr/local/bin:/usr/bin"], Cmd: ["node"], WorkingDir: "/" },
        rootfs: { type: "layers", diff_ids: [l1.diffId, l2.diffId] },
        history: [{ created: "2026-01-01T00:00:00Z", created_by: "seed" }],
      }),
    );
    const layers = [await rawPutBlob(host, repo, l1.blob), await rawPutBlob(host, repo, l2.blob)];
    const configDigest = await rawPutBlob(host, repo, config);
    const m = await rawPutManifest(host, repo, `${arch}-only`, DOCKER_MANIFEST, {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: configDigest, size: config.length },
      layers: [
        { mediaType: DOCKER_LAYER, digest: layers[0], size: l1.blob.length },
        { mediaType: DOCKER_LAYER, digest: layers[1], size: l2.blob.length },
      ],
    });
    perArch[arch] = { diffIds: [l1.diffId, l2.diffId], layers };
    entries.push({ mediaType: DOCKER_MANIFEST, digest: m.digest, size: m.size, platform: { architecture: arch, os: "linux" } });
  }
  await rawPutManifest(host, repo, "20", DOCKER_LIST, { schemaVersion: 2, mediaType: DOCKER_LIST, manifests: entries });
  return perArch;
}

async function untar(gz: Buffer): Promise<Map<string, { body: Buffer; mtime?: Date; uid?: number; gid?: number; mode?: number }>> {
  const out = new Map<string, { body: Buffer; mtime?: Date; uid?: number; gid?: number; mode?: number }>();
  const x = extract();
  x.on("entry", (h, stream, next) => {
    const parts: Buffer[] = [];
    stream.on("data", (c: unknown) => void parts.push(c as Buffer));
    stream.on("end", () => {
      out.set(h.name, { body: Buffer.concat(parts), mtime: h.mtime, uid: h.uid, gid: h.gid, mode: h.mode });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    x.on("finish", () => resolve());
    x.on("error", reject);
    Readable.from(gunzipSync(gz)).pipe(x);
  });
  return out;
}

describe("daemonless image build and push (real docker-registry on loopback)", () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let base: Awaited<ReturnType<typeof seedBase>>;

  beforeAll(async () => {
    source = await startRegistry();
    target = await startRegistry({ tokenAuth: true });
    base = await seedBase(source.host, "fnproject/node");
  });
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  const counted = () => {
    const calls: string[] = [];
    return { calls, onRequest: (m: string, p: string) => void calls.push(`${m} ${p}`) };
  };

  /** Pushes a bundle on the seeded base to the token-auth registry under its content tag. */
  const pushToTarget = (bundle: string, dst: ReturnType<typeof counted>, chunkSize?: number) => {
    const tag = imageTag(bundle, `${source.host}/fnproject/node:20`, "linux/amd64");
    const result = pushImage({
      bundleDir: bundle,
      baseImage: `${source.host}/fnproject/node:20`,
      target: { host: target.host, repository: "ns/iam-adb-sync/function", tag },
      source: { plainHttp: true },
      destination: { plainHttp: true, credentials: target.credentials, onRequest: dst.onRequest, chunkSize },
    });
    return { tag, result };
  };

  it("layers the bundle on the base, pushes it through token auth and reads back exactly that image", async () => {
    const bundle = fixtureBundle("module.exports = 'first';\n");
    const dst = counted();
    const pushed = pushToTarget(bundle, dst);
    const { tag } = pushed;
    const result = await pushed.result;
    expect(result.manifestUploaded).toBe(true);
    expect(result.uploadedBlobs).toHaveLength(4); // two base layers copied across, bundle layer, config
    expect(result.image).toBe(`${target.host}/ns/iam-adb-sync/function:${tag}@${result.digest}`);
    expect(target.tokenRequests).toBeGreaterThan(0);

    // Pull it back with a separate client.
    const reader = new RegistryClient(target.host, { plainHttp: true, credentials: target.credentials });
    const manifest = await reader.getManifest("ns/iam-adb-sync/function", tag);
    expect(manifest.digest).toBe(result.digest);
    expect(sha(manifest.bytes)).toBe(result.digest);
    expect(manifest.mediaType).toBe(DOCKER_MANIFEST);
    const m = JSON.parse(manifest.bytes.toString()) as { config: { digest: string }; layers: { digest: string; mediaType: string; size: number }[] };
    expect(m.layers.slice(0, 2).map((l) => l.digest)).toEqual(base.amd64.layers);
    const layerBlob = await reader.getBlob("ns/iam-adb-sync/function", m.layers[2].digest);
    expect(sha(layerBlob)).toBe(m.layers[2].digest);
    expect(m.layers[2]).toMatchObject({ mediaType: DOCKER_LAYER, size: layerBlob.length });

    const config = JSON.parse((await reader.getBlob("ns/iam-adb-sync/function", m.config.digest)).toString()) as {
      architecture: string;
      config: { Entrypoint: string[]; Cmd: null; WorkingDir: string; Env: string[] };
      rootfs: { diff_ids: string[] };
    };
    expect(config.architecture).toBe("amd64");
    expect(config.config).toMatchObject({ Entrypoint: ["node", "func.js"], Cmd: null, WorkingDir: "/function" });
    expect(config.config.Env).toEqual(["PATH=/usr/local/bin:/usr/bin"]);
    expect(config.rootfs.diff_ids).toEqual([...base.amd64.diffIds, sha(gunzipSync(layerBlob))]);

    const files = await untar(layerBlob);
    expect([...files.keys()]).toEqual(["function/", "function/func.js", "function/func.yaml", "function/package.json"]);
    const func = files.get("function/func.js");
    expect(func?.body.toString()).toBe("module.exports = 'first';\n");
    expect(func).toMatchObject({ uid: 0, gid: 0, mode: 0o644, mtime: new Date(0) });
  });

  it("pushes nothing on a second run of the same bundle", async () => {
    const bundle = fixtureBundle("module.exports = 'first';\n");
    const dst = counted();
    const result = await pushToTarget(bundle, dst).result;
    expect(result.uploadedBlobs).toEqual([]);
    expect(result.reusedBlobs).toHaveLength(4);
    expect(result.manifestUploaded).toBe(false);
    expect(dst.calls.filter((c) => /^(POST|PATCH|PUT|DELETE) /.test(c))).toEqual([]);
    // 4 blobs + the tag (the first HEAD is repeated once after the token challenge).
    expect(new Set(dst.calls.filter((c) => c.startsWith("HEAD "))).size).toBe(5);
  });

  it("uploads only the new layer and config when the bundle changes, in chunks when asked", async () => {
    const bundle = fixtureBundle(`module.exports = '${"second ".repeat(4000)}';\n`);
    const dst = counted();
    const pushed = pushToTarget(bundle, dst, 128);
    const { tag } = pushed;
    const result = await pushed.result;
    expect(result.uploadedBlobs).toHaveLength(2);
    expect(result.reusedBlobs).toEqual(base.amd64.layers);
    expect(dst.calls.filter((c) => c.startsWith("PATCH ")).length).toBeGreaterThan(1);
    const reader = new RegistryClient(target.host, { plainHttp: true, credentials: target.credentials });
    expect((await reader.getManifest("ns/iam-adb-sync/function", tag)).digest).toBe(result.digest);
  });

  it("mounts base layers instead of copying them when base and target share a registry", async () => {
    const bundle = fixtureBundle("module.exports = 'mounted';\n");
    const src = counted();
    const result = await pushImage({
      bundleDir: bundle,
      baseImage: `${source.host}/fnproject/node:20`,
      platform: "linux/arm64",
      target: { host: source.host, repository: "team/function", tag: "t1" },
      source: { plainHttp: true },
      destination: { plainHttp: true, onRequest: src.onRequest },
    });
    expect(result.reusedBlobs).toEqual(base.arm64.layers);
    expect(src.calls.filter((c) => c.startsWith("GET /v2/fnproject/node/blobs/"))).toEqual([]);
  });

  it("refuses a platform the base does not have, and wrong credentials, with clear errors", async () => {
    const bundle = fixtureBundle();
    await expect(
      pushImage({
        bundleDir: bundle,
        baseImage: `${source.host}/fnproject/node:20`,
        platform: "linux/s390x",
        target: { host: target.host, repository: "ns/x", tag: "t" },
        source: { plainHttp: true },
        destination: { plainHttp: true, credentials: target.credentials },
      }),
    ).rejects.toThrow("base image has no linux/s390x manifest (has linux/amd64, linux/arm64)");
    const wrong = { username: "pusher", password: "not-the-token" };
    const failure = pushImage({
      bundleDir: bundle,
      baseImage: `${source.host}/fnproject/node:20`,
      target: { host: target.host, repository: "ns/x", tag: "t" },
      source: { plainHttp: true },
      destination: { plainHttp: true, credentials: wrong },
    });
    await expect(failure).rejects.toThrow(`${target.host}: token request refused with HTTP 401`);
    await expect(failure).rejects.not.toThrow("not-the-token");
  });

  it("runs as the CLI that cdktf deploy calls, and refuses a tag that is not the bundle's content address", () => {
    const bundle = fixtureBundle("module.exports = 'cli';\n");
    const baseRef = `${source.host}/fnproject/node:20`;
    const tag = imageTag(bundle, baseRef, "linux/amd64");
    const cli = resolve(__dirname, "../../infra/image/push.ts");
    const tsx = resolve(__dirname, "../../node_modules/tsx/dist/cli.mjs");
    const run = (t: string) =>
      execFileSync(process.execPath, [tsx, cli, "--bundle", bundle, "--repo", `${source.host}/cli/function`, "--tag", t, "--base", baseRef, "--auth", "none"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(run(tag)).toMatch(new RegExp(`${source.host}/cli/function:${tag}@sha256:[0-9a-f]{64} \\(uploaded 2 blob\\(s\\), reused 2, manifest pushed\\)`));
    expect(run(tag)).toContain("(uploaded 0 blob(s), reused 4, manifest unchanged)");
    let stderr = "";
    try {
      run("b-0000000000000000000000000000000000000000");
    } catch (err) {
      stderr = String((err as { stderr: string }).stderr);
    }
    expect(stderr).toContain(`push: --tag b-0000000000000000000000000000000000000000 does not match the bundle's content tag ${tag}`);
  });
});

describe("image tag", () => {
  it("depends on bundle bytes, base image and platform, and needs func.js", () => {
    const a = fixtureBundle("a");
    expect(imageTag(a, "x/y:1", "linux/amd64")).toBe(imageTag(fixtureBundle("a"), "x/y:1", "linux/amd64"));
    expect(imageTag(a, "x/y:1", "linux/amd64")).not.toBe(imageTag(fixtureBundle("b"), "x/y:1", "linux/amd64"));
    expect(imageTag(a, "x/y:1", "linux/amd64")).not.toBe(imageTag(a, "x/y:2", "linux/amd64"));
    expect(imageTag(a, "x/y:1", "linux/amd64")).not.toBe(imageTag(a, "x/y:1", "linux/arm64"));
    const empty = mkdtempSync(join(tmpdir(), "nobundle-"));
    writeFileSync(join(empty, "func.yaml"), "x");
    expect(() => imageTag(empty, "x/y:1", "linux/amd64")).toThrow(`${empty} holds no func.js: build the function bundle first (npm run build)`);
  });
});
