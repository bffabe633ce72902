/**
 * The one adapter that reads the official AWS SDK v3 schema objects (the `Xxx$` exports of each
 * `@aws-sdk/client-*` package, a static form of the Smithy model). Everything else in Cloudbox
 * uses the types declared here: Shape, OperationModel, ServiceModel.
 *
 * What the SDK schemas carry and we rely on: member names and order, the number of required
 * members (the first N members of a structure are the required ones), traits (xmlName,
 * ec2QueryName, xmlFlattened, xmlAttribute, xmlNamespace, jsonName, timestampFormat, the http*
 * bindings, mediaType, streaming, error, httpError, idempotencyToken), and per operation the
 * `http` trait [method, uri, code]. What they do not carry: enum values, length/range constraints
 * and the distinction between integer and floating types (all are "number").
 */
import { NormalizedSchema } from "@smithy/core/schema";

export type { ProtocolName } from "../core/service.js";
import type { ProtocolName } from "../core/service.js";

export type ShapeKind =
  | "structure"
  | "union"
  | "list"
  | "map"
  | "string"
  | "number"
  | "boolean"
  | "bigInteger"
  | "bigDecimal"
  | "blob"
  | "timestamp"
  | "document"
  | "unit";

export type TimestampFormat = "date-time" | "http-date" | "epoch-seconds";

/** Traits as Cloudbox uses them (member traits merged over the target shape's traits). */
export interface ShapeTraits {
  xmlName?: string;
  ec2QueryName?: string;
  xmlFlattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { prefix?: string; uri: string };
  jsonName?: string;
  timestampFormat?: TimestampFormat;
  httpLabel?: boolean;
  httpHeader?: string;
  httpQuery?: string;
  httpPrefixHeaders?: string;
  httpQueryParams?: boolean;
  httpPayload?: boolean;
  httpResponseCode?: boolean;
  mediaType?: string;
  streaming?: boolean;
  idempotencyToken?: boolean;
  sparse?: boolean;
  sensitive?: boolean;
  hostLabel?: boolean;
  eventPayload?: boolean;
  eventHeader?: boolean;
  /** Error shapes: "client" or "server", and the HTTP status from the model. */
  error?: "client" | "server";
  httpError?: number;
  /** awsQueryError: [code, status] as the query protocols report it. */
  awsQueryError?: [string, number];
}

export interface Shape {
  readonly kind: ShapeKind;
  /** The shape's own name (e.g. "AvailabilityZone"); for members, the target's name. */
  readonly name: string;
  readonly traits: ShapeTraits;
  /** structure/union: members in model order. */
  readonly members: ReadonlyMap<string, Shape>;
  /** structure: names of required members. */
  readonly required: ReadonlySet<string>;
  /** list: the member shape (its traits carry the list member's xmlName). */
  readonly member: Shape | undefined;
  /** map: key and value shapes. */
  readonly key: Shape | undefined;
  readonly value: Shape | undefined;
}

export interface OperationModel {
  readonly name: string;
  readonly input: Shape;
  readonly output: Shape;
  /** rest protocols: the `http` trait. */
  readonly http: { method: string; uri: string; code: number } | undefined;
  readonly endpointHostPrefix?: string;
}

export interface ServiceModel {
  /** Cloudbox's short name for the service, e.g. "ec2". */
  readonly name: string;
  readonly protocol: ProtocolName;
  /** The Smithy namespace, e.g. "com.amazonaws.ec2". */
  readonly namespace: string;
  /** API version, e.g. "2016-11-15" (query protocols send it as Version). */
  readonly version?: string;
  /** query/ec2/rest-xml: the XML namespace of responses. */
  readonly xmlNamespace?: string;
  /** json: the X-Amz-Target prefix, e.g. "AmazonEC2ContainerServiceV20141113". */
  readonly targetPrefix?: string;
  /** json: "1.0" or "1.1". */
  readonly jsonVersion?: "1.0" | "1.1";
  readonly operations: ReadonlyMap<string, OperationModel>;
  /** Error shapes by their code (shape name), for serializing modelled errors. */
  readonly errors: ReadonlyMap<string, Shape>;
}

// ---------------------------------------------------------------------------------------------
// Schema conversion

const SIMPLE_KIND: Record<number, ShapeKind> = {
  0: "string",
  1: "number",
  2: "boolean",
  4: "timestamp",
  5: "timestamp",
  6: "timestamp",
  7: "timestamp",
  15: "document",
  17: "bigInteger",
  19: "bigDecimal",
  21: "blob",
  42: "blob",
};

const TIMESTAMP_FORMAT: Record<number, TimestampFormat | undefined> = {
  4: undefined,
  5: "date-time",
  6: "http-date",
  7: "epoch-seconds",
};

type Raw = Record<string, unknown>;

const convertTraits = (t: Raw, simpleId: number | undefined): ShapeTraits => {
  const out: ShapeTraits = {};
  const str = (k: string) => (typeof t[k] === "string" ? (t[k] as string) : undefined);
  if (str("xmlName")) out.xmlName = str("xmlName");
  if (str("ec2QueryName")) out.ec2QueryName = str("ec2QueryName");
  if (t.xmlFlattened) out.xmlFlattened = true;
  if (t.xmlAttribute) out.xmlAttribute = true;
  if (Array.isArray(t.xmlNamespace)) {
    const [prefix, uri] = t.xmlNamespace as [string, string];
    out.xmlNamespace = prefix ? { prefix, uri } : { uri };
  }
  if (str("jsonName")) out.jsonName = str("jsonName");
  if (simpleId !== undefined && TIMESTAMP_FORMAT[simpleId]) out.timestampFormat = TIMESTAMP_FORMAT[simpleId];
  if (typeof t.timestampFormat === "string") out.timestampFormat = t.timestampFormat as TimestampFormat;
  if (t.httpLabel) out.httpLabel = true;
  if (str("httpHeader")) out.httpHeader = str("httpHeader");
  if (str("httpQuery")) out.httpQuery = str("httpQuery");
  if (typeof t.httpPrefixHeaders === "string") out.httpPrefixHeaders = t.httpPrefixHeaders as string;
  if (t.httpQueryParams) out.httpQueryParams = true;
  if (t.httpPayload) out.httpPayload = true;
  if (t.httpResponseCode) out.httpResponseCode = true;
  if (str("mediaType")) out.mediaType = str("mediaType");
  if (t.streaming || simpleId === 42) out.streaming = true;
  if (t.idempotencyToken) out.idempotencyToken = true;
  if (t.sparse) out.sparse = true;
  if (t.sensitive) out.sensitive = true;
  if (t.hostLabel) out.hostLabel = true;
  if (t.eventPayload) out.eventPayload = true;
  if (t.eventHeader) out.eventHeader = true;
  if (t.error === "client" || t.error === "server") out.error = t.error;
  if (typeof t.httpError === "number") out.httpError = t.httpError;
  if (Array.isArray(t.awsQueryError)) out.awsQueryError = t.awsQueryError as [string, number];
  return out;
};

const EMPTY_MEMBERS: ReadonlyMap<string, Shape> = new Map();
const EMPTY_SET: ReadonlySet<string> = new Set();

/** Lazily converted shape: members are built on first access, so recursive models are fine. */
class SchemaShape implements Shape {
  readonly kind: ShapeKind;
  readonly name: string;
  readonly traits: ShapeTraits;
  private _members?: ReadonlyMap<string, Shape>;
  private _required?: ReadonlySet<string>;
  private _member?: Shape;
  private _key?: Shape;
  private _value?: Shape;

  constructor(private readonly ns: NormalizedSchema) {
    const raw = ns.getSchema() as unknown;
    let simpleId: number | undefined;
    if (typeof raw === "number") {
      simpleId = raw;
    }
    if (ns.isUnitSchema()) this.kind = "unit";
    else if (ns.isStructSchema()) this.kind = ns.isUnionSchema() ? "union" : "structure";
    else if (ns.isListSchema()) this.kind = "list";
    else if (ns.isMapSchema()) this.kind = "map";
    else if (ns.isBlobSchema()) this.kind = "blob";
    else if (ns.isTimestampSchema()) this.kind = "timestamp";
    else if (ns.isDocumentSchema()) this.kind = "document";
    else if (ns.isBooleanSchema()) this.kind = "boolean";
    else if (ns.isBigIntegerSchema()) this.kind = "bigInteger";
    else if (ns.isBigDecimalSchema()) this.kind = "bigDecimal";
    else if (ns.isNumericSchema()) this.kind = "number";
    else if (simpleId !== undefined && SIMPLE_KIND[simpleId]) this.kind = SIMPLE_KIND[simpleId];
    else this.kind = "string";
    const fullName = ns.getName(true) ?? "";
    this.name = fullName.includes("#") ? fullName.slice(fullName.indexOf("#") + 1) : fullName;
    this.traits = convertTraits(ns.getMergedTraits() as Raw, simpleId);
    if (this.kind === "timestamp" && !this.traits.timestampFormat && simpleId !== undefined) {
      const f = TIMESTAMP_FORMAT[simpleId];
      if (f) this.traits.timestampFormat = f;
    }
  }

  get members(): ReadonlyMap<string, Shape> {
    if (!this._members) {
      if (this.kind !== "structure" && this.kind !== "union") return EMPTY_MEMBERS;
      const m = new Map<string, Shape>();
      for (const [name, member] of this.ns.structIterator()) m.set(name, shapeOf(member));
      this._members = m;
    }
    return this._members;
  }

  get required(): ReadonlySet<string> {
    if (!this._required) {
      const raw = this.ns.getSchema() as unknown;
      // Static structure schemas end with the count of required members, which come first.
      if (Array.isArray(raw) && (raw[0] === 3 || raw[0] === -3) && typeof raw[6] === "number") {
        this._required = new Set((raw[4] as string[]).slice(0, raw[6] as number));
      } else {
        this._required = EMPTY_SET;
      }
    }
    return this._required;
  }

  get member(): Shape | undefined {
    if (this.kind !== "list") return undefined;
    return (this._member ??= shapeOf(this.ns.getValueSchema()));
  }

  get key(): Shape | undefined {
    if (this.kind !== "map") return undefined;
    return (this._key ??= shapeOf(this.ns.getKeySchema()));
  }

  get value(): Shape | undefined {
    if (this.kind !== "map") return undefined;
    return (this._value ??= shapeOf(this.ns.getValueSchema()));
  }
}

const shapeOf = (ns: NormalizedSchema): Shape => new SchemaShape(ns);

/** Converts one SDK schema reference (e.g. `DescribeVpcsRequest$`) into a Shape. */
export const shapeFromSchema = (schema: unknown): Shape => shapeOf(NormalizedSchema.of(schema as never));

// ---------------------------------------------------------------------------------------------
// Service models

export interface ServiceModelSource {
  /** Cloudbox's short name for the service. */
  name: string;
  protocol: ProtocolName;
  /** The loaded `@aws-sdk/client-*` module (its exports). */
  sdk: Record<string, unknown>;
  /** The SDK client class name, e.g. "EC2Client": its runtime config names the protocol settings. */
  clientClass: string;
}

interface ProtocolSettings {
  defaultNamespace?: string;
  xmlNamespace?: string;
  version?: string;
  serviceTarget?: string;
}

/** Builds the ServiceModel of one SDK client module. Operations and errors are found by export shape. */
export const loadServiceModel = (src: ServiceModelSource): ServiceModel => {
  const ClientClass = src.sdk[src.clientClass] as (new (config: object) => { config: Record<string, unknown>; destroy(): void }) | undefined;
  if (!ClientClass) throw new Error(`${src.clientClass} is not exported by the SDK module of ${src.name}`);
  const client = new ClientClass({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const settings = (client.config.protocolSettings ?? {}) as ProtocolSettings;
  const apiVersion = client.config.apiVersion as string | undefined;
  client.destroy();

  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, Shape>();
  let namespace = settings.defaultNamespace ?? "";
  for (const [exportName, value] of Object.entries(src.sdk)) {
    if (!exportName.endsWith("$") || !Array.isArray(value)) continue;
    const kind = value[0];
    if (kind === 9) {
      const [, ns, name, traits, input, output] = value as [number, string, string, Raw | number, unknown, unknown];
      namespace ||= ns;
      const t = typeof traits === "object" && traits ? traits : {};
      const http = Array.isArray(t.http) ? { method: t.http[0] as string, uri: t.http[1] as string, code: t.http[2] as number } : undefined;
      const endpoint = Array.isArray(t.endpoint) ? (t.endpoint[0] as string) : undefined;
      let inShape: Shape | undefined;
      let outShape: Shape | undefined;
      operations.set(name, {
        name,
        get input() {
          return (inShape ??= shapeFromSchema(input));
        },
        get output() {
          return (outShape ??= shapeFromSchema(output));
        },
        http,
        endpointHostPrefix: endpoint,
      });
    } else if (kind === -3 && typeof value[1] === "string" && !value[1].startsWith("smithy.ts.sdk.synthetic")) {
      errors.set(value[2] as string, shapeFromSchema(value));
    }
  }
  const jsonVersion = src.protocol === "json" ? (detectJsonVersion(client.config.protocol) ?? "1.1") : undefined;
  return {
    name: src.name,
    protocol: src.protocol,
    namespace,
    version: settings.version ?? apiVersion,
    xmlNamespace: settings.xmlNamespace,
    targetPrefix: settings.serviceTarget,
    jsonVersion,
    operations,
    errors,
  };
};

const detectJsonVersion = (protocol: unknown): "1.0" | "1.1" | undefined => {
  const name = typeof protocol === "function" ? protocol.name : (protocol as { constructor?: { name?: string } })?.constructor?.name;
  if (name?.includes("1_0")) return "1.0";
  if (name?.includes("1_1")) return "1.1";
  return undefined;
};
