import type { Method, PaginationType } from "./vocabulary";

/** Shapes of the four template outlines, as the reference functions serve them (nulls omitted). */

export interface KeyValue {
  name: string;
  value: string;
}

export type RequestBody =
  /** A JSON document; `<EL>`/`<JP>` are evaluated in its serialised text and `"UQ:…"` strings lose their quotes. */
  | { type: "text"; textBody: unknown }
  /** A raw body, e.g. application/x-www-form-urlencoded. */
  | { type: "form"; textBody: string };

export interface RequestTemplate {
  id: string;
  name?: string;
  method: Method;
  paginationType?: PaginationType;
  uri: { scheme: string; host: string; path: string };
  queryParameters?: KeyValue[];
  headers?: KeyValue[];
  body?: RequestBody;
  subRequests?: RequestTemplate[];
}

export interface ResponseAttribute {
  name: string;
  value?: string;
  /** Take the values from this sub-request's responses instead of the main response. */
  responseOfSubRequestId?: string;
  /** With responseOfSubRequestId: the records in one sub-response. */
  items?: string;
  subAttributes?: ResponseAttribute[];
}

export interface ResponseTemplate {
  /** `<JP>…</JP>` selecting the records of one page. */
  items?: string;
  /** Values carried to the next page as previousRequestResponseHeaders (e.g. a page token). */
  responseValues?: KeyValue[];
  attributes?: ResponseAttribute[];
}

export interface SchemaAttribute {
  name: string;
  dataType: string;
  nature?: string[];
  usage?: string[];
  relationship?: {
    relatedTo: string;
    relatedBy?: string;
    relationshipProperties?: { name?: string; dataType?: string; usage?: string[]; nature?: string[] }[];
  };
  outboundTransformation?: { script: string };
  uiProperties?: Record<string, unknown>;
}

export interface SchemaTemplate {
  type: string;
  name: string;
  displayName?: string;
  attributes?: SchemaAttribute[];
  data?: Record<string, string>;
}

export interface SchemaFile {
  schemaTemplates: SchemaTemplate[];
}

