import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import type { RequestTemplate, ResponseTemplate, SchemaFile } from "./template-types";
import {
  BODY_TYPES,
  DATA_TYPES,
  ENTITY_TYPES,
  INPUT_TYPES,
  METHODS,
  NATURES,
  PAGINATION_TYPES,
  USAGES,
  WIDGETS,
} from "./vocabulary";

/**
 * JSON Schemas (draft 2020-12) of the request, response, schema and test outlines. Unknown keys are
 * errors: the connector ignores them, so in a template they are almost always typos.
 */

const nonEmpty = { type: "string", minLength: 1 } as const;
const keyValues = {
  type: "array",
  items: {
    type: "object",
    additionalProperties: false,
    required: ["name", "value"],
    properties: { name: nonEmpty, value: { type: "string" } },
  },
} as const;

export const requestSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:iam-adb-sync:templates:request",
  $ref: "#/$defs/request",
  $defs: {
    request: {
      type: "object",
      additionalProperties: false,
      required: ["id", "method", "uri"],
      properties: {
        id: nonEmpty,
        name: { type: "string" },
        method: { enum: METHODS },
        paginationType: { enum: PAGINATION_TYPES },
        uri: {
          type: "object",
          additionalProperties: false,
          required: ["scheme", "host", "path"],
          properties: { scheme: nonEmpty, host: nonEmpty, path: { type: "string", pattern: "^/" } },
        },
        queryParameters: keyValues,
        headers: keyValues,
        body: {
          type: "object",
          additionalProperties: false,
          required: ["type", "textBody"],
          properties: { type: { enum: BODY_TYPES }, textBody: {} },
          if: { properties: { type: { const: "form" } } },
          then: { properties: { textBody: { type: "string" } } },
          else: { properties: { textBody: { type: ["object", "array"] } } },
        },
        subRequests: { type: "array", items: { $ref: "#/$defs/request" } },
      },
    },
  },
} as const;

export const responseSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:iam-adb-sync:templates:response",
  type: "object",
  additionalProperties: false,
  properties: {
    items: { $ref: "#/$defs/jsonPath" },
    responseValues: keyValues,
    attributes: { type: "array", items: { $ref: "#/$defs/attribute" } },
  },
  $defs: {
    jsonPath: { type: "string", pattern: "^<JP>\\$.*</JP>$" },
    attribute: {
      type: "object",
      additionalProperties: false,
      required: ["name"],
      properties: {
        name: nonEmpty,
        value: { type: "string" },
        responseOfSubRequestId: nonEmpty,
        items: { $ref: "#/$defs/jsonPath" },
        subAttributes: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["name", "value"],
            properties: { name: nonEmpty, value: { type: "string" } },
          },
        },
      },
      if: { required: ["responseOfSubRequestId"] },
      then: { required: ["items", "subAttributes"], not: { required: ["value"] } },
      else: { required: ["value"], not: { anyOf: [{ required: ["items"] }, { required: ["subAttributes"] }] } },
    },
  },
} as const;

const enumList = (values: readonly string[]) => ({ type: "array", uniqueItems: true, items: { enum: values } });

export const schemaSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:iam-adb-sync:templates:schema",
  type: "object",
  additionalProperties: false,
  required: ["schemaTemplates"],
  properties: {
    schemaTemplates: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        // Oracle's seed and reference declare LOOKUP classes with only `data` (static) or nothing but a name.
        required: ["type", "name"],
        if: { properties: { type: { not: { const: "LOOKUP" } } } },
        then: { required: ["attributes"] },
        properties: {
          type: { enum: ENTITY_TYPES },
          name: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_]*$" },
          displayName: { type: "string" },
          attributes: { type: "array", items: { $ref: "#/$defs/attribute" } },
          data: { type: "object", additionalProperties: { type: "string" } },
        },
      },
    },
  },
  $defs: {
    attribute: {
      type: "object",
      additionalProperties: false,
      required: ["name", "dataType"],
      properties: {
        name: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_]*$" },
        dataType: { enum: DATA_TYPES },
        nature: enumList(NATURES),
        usage: enumList(USAGES),
        relationship: {
          type: "object",
          additionalProperties: false,
          // relatedBy may be left out (the reference's seed does): the related class's uid is used.
          required: ["relatedTo"],
          properties: {
            relatedTo: nonEmpty,
            relatedBy: nonEmpty,
            relationshipProperties: {
              type: "array",
              items: {
                type: "object",
                additionalProperties: false,
                // The reference's model keys natures under `usage`; its documentation and seed write `nature`.
                properties: { name: nonEmpty, dataType: { enum: DATA_TYPES }, usage: enumList(NATURES), nature: enumList(NATURES) },
              },
            },
          },
        },
        outboundTransformation: {
          type: "object",
          additionalProperties: false,
          required: ["script"],
          properties: { script: { type: "string" } },
        },
        uiProperties: {
          type: "object",
          additionalProperties: false,
          properties: {
            inputType: { enum: INPUT_TYPES },
            widget: { enum: WIDGETS },
            title: { type: "string" },
            labelHint: { type: "string" },
            minLength: { type: "integer", minimum: 0 },
            maxLength: { type: "integer", minimum: 0 },
            defaultValues: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
} as const;

export interface OutlineValidators {
  request: ValidateFunction<RequestTemplate>;
  response: ValidateFunction<ResponseTemplate>;
  schema: ValidateFunction<SchemaFile>;
}

/** Compiled once per process; a test template has the request outline. */
export function compileOutlineValidators(): OutlineValidators {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return {
    request: ajv.compile<RequestTemplate>(requestSchema),
    response: ajv.compile<ResponseTemplate>(responseSchema),
    schema: ajv.compile<SchemaFile>(schemaSchema),
  };
}
