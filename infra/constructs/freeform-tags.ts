import type { IConstruct } from "constructs";
import type { IAspect } from "cdktf";

interface Taggable {
  freeformTags: { [key: string]: string };
  readonly freeformTagsInput?: { [key: string]: string };
}

function isTaggable(node: IConstruct): node is IConstruct & Taggable {
  // Generated OCI bindings expose freeformTags (getter + setter) exactly on resources whose schema has freeform_tags.
  return Object.getOwnPropertyDescriptor(Object.getPrototypeOf(node), "freeformTags")?.set !== undefined;
}

/**
 * Adds the environment's freeform tags to every taggable OCI resource in the stack, so no construct can forget
 * them. Tags a construct set itself win over the environment's.
 */
export class FreeformTags implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    node.freeformTags = { ...this.tags, ...(node.freeformTagsInput ?? {}) };
  }
}
