import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { ArtifactsContainerRepository } from "../.gen/providers/oci/artifacts-container-repository";
import { imageTag } from "../image/bundle-digest";

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
  baseImage: string;
  shape: "GENERIC_X86" | "GENERIC_ARM";
  registryAuth: "token" | "profile";
  ociConfigProfile: string;
}

/** cdktf runs terraform in cdktf.out/stacks/<stack>; the push runs from the repository root. */
const REPO_ROOT_FROM_STACK = "${path.module}/../../..";

/**
 * The function image in an OCIR repository this stack owns. `cdktf deploy` builds and pushes it (no Docker) from
 * a provisioner whose trigger is the content tag, so a changed bundle pushes and redeploys, an unchanged one
 * does nothing.
 */
export class FunctionImage extends Construct {
  /** `<host>/<namespace>/<repo>:<tag>`: what the functions run. */
  readonly imageRef: string;
  readonly tag: string;
  readonly repository: ArtifactsContainerRepository;
  /** The push step; functions depend on it so they never point at an image that is not there yet. */
  readonly push: NullResource;

  constructor(scope: Construct, id: string, props: FunctionImageProps) {
    super(scope, id);
    const platform = props.shape === "GENERIC_ARM" ? "linux/arm64" : "linux/amd64";
    this.tag = imageTag(props.bundleDirAbs, props.baseImage, platform);
    const repoName = `${props.prefix}/function`;
    this.repository = new ArtifactsContainerRepository(this, "repository", {
      compartmentId: props.compartmentId,
      displayName: repoName,
      isPublic: false,
      // Content-addressed tags never move in normal use; mutability lets an unchanged bundle on an updated base
      // image be re-pushed under its tag instead of failing the deploy.
      isImmutable: false,
    });
    const host = `ocir.${props.region}.oci.oraclecloud.com`;
    const repoPath = `${host}/${props.namespace}/${repoName}`;
    this.imageRef = `${repoPath}:${this.tag}`;

    const environment: Record<string, string> = {};
    if (props.registryAuth === "token") {
      const user = new TerraformVariable(this, "ocir_username", {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "OCIR user: <namespace>/<user name> (federated: <namespace>/oracleidentitycloudservice/<user>)",
      });
      const token = new TerraformVariable(this, "ocir_auth_token", {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "OCIR auth token of that user (Identity > Users > Auth tokens)",
      });
      user.overrideLogicalId("ocir_username");
      token.overrideLogicalId("ocir_auth_token");
      environment.OCIR_USERNAME = user.stringValue;
      environment.OCIR_AUTH_TOKEN = token.stringValue;
    }
    const command = [
      "npx tsx infra/image/push.ts",
      `--bundle ${props.bundleDir}`,
      `--repo ${repoPath}`,
      `--tag ${this.tag}`,
      `--base ${props.baseImage}`,
      `--platform ${platform}`,
      `--auth ${props.registryAuth}`,
      props.registryAuth === "profile" ? `--profile ${props.ociConfigProfile}` : "",
    ]
      .filter((p) => p.length > 0)
      .join(" ");
    this.push = new NullResource(this, "push", {
      triggers: { image: this.imageRef, repository: this.repository.id },
      provisioners: [{ type: "local-exec", command, workingDir: REPO_ROOT_FROM_STACK, environment }],
    });
  }
}
