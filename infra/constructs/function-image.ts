import { DataResource } from "cdktf";
import { Construct } from "constructs";
import { ArtifactsContainerRepository } from "../.gen/providers/oci/artifacts-container-repository";
import { DataOciArtifactsContainerImages } from "../.gen/providers/oci/data-oci-artifacts-container-images";
import { imageTag } from "../image/bundle-digest";
import { requiredOnApply, sensitiveVariable } from "./sensitive-variable";

export interface FunctionImageProps {
  prefix: string;
  compartmentId: string;
  region: string;
  /** Object Storage namespace (= OCIR namespace) reference. */
  namespace: string;
  /** Built bundle directory, as a path relative to the repository root (what the push runs from). */
  bundleDir: string;
  /** Absolute path of the same directory, read at synth to compute the content tag. */
  bundleDirAbs: string;
  /** `<repository>:<tag>@sha256:<digest>`: pinned, so the tag below changes exactly when the base does. */
  baseImage: string;
  /** "token": the base image's registry (a mirror) wants base_registry_username / base_registry_password. */
  baseRegistryAuth: "none" | "token";
  shape: "GENERIC_X86" | "GENERIC_ARM";
  registryAuth: "token" | "profile";
  ociConfigProfile: string;
}

/** cdktf runs terraform in cdktf.out/stacks/<stack>; the push runs from the repository root. */
const REPO_ROOT_FROM_STACK = "${path.module}/../../..";

/**
 * The function image in an OCIR repository this stack owns. `cdktf deploy` builds and pushes it (no Docker) from
 * a provisioner that re-runs when the content tag changes: the tag hashes the bundle, the pinned base image and
 * the platform, so a new bundle or a new base pushes a new tag and redeploys, an unchanged one does nothing.
 * The repository is immutable (a tag can never be moved under a running function) and the functions run the
 * digest the registry reports for the pushed tag.
 */
export class FunctionImage extends Construct {
  /** `<host>/<namespace>/<repo>:<tag>`: what the functions run. */
  readonly imageRef: string;
  /** The pushed manifest's digest, read back from OCIR after the push (the functions' image_digest). */
  readonly digest: string;
  readonly tag: string;
  readonly repository: ArtifactsContainerRepository;
  /** The push step; functions depend on it so they never point at an image that is not there yet. */
  readonly push: DataResource;

  constructor(scope: Construct, id: string, props: FunctionImageProps) {
    super(scope, id);
    const platform = props.shape === "GENERIC_ARM" ? "linux/arm64" : "linux/amd64";
    this.tag = imageTag(props.bundleDirAbs, props.baseImage, platform);
    const repoName = `${props.prefix}/function`;
    this.repository = new ArtifactsContainerRepository(this, "repository", {
      compartmentId: props.compartmentId,
      displayName: repoName,
      isPublic: false,
      isImmutable: true,
    });
    const host = `ocir.${props.region}.oci.oraclecloud.com`;
    const repoPath = `${host}/${props.namespace}/${repoName}`;
    this.imageRef = `${repoPath}:${this.tag}`;

    const environment: Record<string, string> = {};
    const preconditions: ReturnType<typeof requiredOnApply>[] = [];
    const credential = (name: string, envName: string, description: string) => {
      environment[envName] = sensitiveVariable(this, name, description).stringValue;
      preconditions.push(requiredOnApply(name));
    };
    if (props.registryAuth === "token") {
      credential("ocir_username", "OCIR_USERNAME", "OCIR user: <namespace>/<user name> (federated: <namespace>/oracleidentitycloudservice/<user>)");
      credential("ocir_auth_token", "OCIR_AUTH_TOKEN", "OCIR auth token of that user (Identity > Users > Auth tokens)");
    }
    if (props.baseRegistryAuth === "token") {
      credential("base_registry_username", "BASE_REGISTRY_USERNAME", "user name at the base image's registry (a mirror)");
      credential("base_registry_password", "BASE_REGISTRY_PASSWORD", "password or token at the base image's registry");
    }
    const command = [
      "npx tsx infra/image/push.ts",
      `--bundle ${props.bundleDir}`,
      `--repo ${repoPath}`,
      `--tag ${this.tag}`,
      `--base ${props.baseImage}`,
      `--base-auth ${props.baseRegistryAuth}`,
      `--platform ${platform}`,
      `--auth ${props.registryAuth}`,
      props.registryAuth === "profile" ? `--profile ${props.ociConfigProfile}` : "",
    ]
      .filter((p) => p.length > 0)
      .join(" ");
    this.push = new DataResource(this, "push", {
      triggersReplace: { image: this.imageRef, repository: this.repository.id },
      provisioners: [{ type: "local-exec", command, workingDir: REPO_ROOT_FROM_STACK, environment }],
      lifecycle: preconditions.length > 0 ? { precondition: preconditions } : undefined,
    });
    // Read after the push: the digest OCIR holds for exactly this tag in exactly this repository.
    const pushed = new DataOciArtifactsContainerImages(this, "pushed", {
      compartmentId: props.compartmentId,
      repositoryId: this.repository.id,
      version: this.tag,
      dependsOn: [this.push],
    });
    this.digest = pushed.containerImageCollection.get(0).items.get(0).digest;
  }
}
