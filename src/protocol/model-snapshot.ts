/**
 * A ServiceModel as plain JSON, and back. Reading a service's model from its SDK package means
 * loading the whole client module (2 MB of JavaScript for EC2, most of a second on a small
 * machine); the snapshot holds only what the codecs read and loads in a few milliseconds. The
 * registry keeps snapshots in a cache keyed by the SDK package's version and by this adapter's
 * own code (model-cache.ts), so a snapshot never outlives the model it was taken from.
 *
 * Shapes are a table: a member is its own entry (member traits are merged over the target's), and
 * entries refer to each other by index, so recursive shapes need no special case.
 */
import type { OperationModel, ServiceModel, Shape, ShapeKind, ShapeTraits } from "./model.js";

/** [kind, name, traits, members [name, index][], required names, list member, map key, map value] */
type ShapeEntry = [ShapeKind, string, ShapeTraits, [string, number][]?, string[]?, number?, number?, number?];

export interface ModelSnapshot {
  service: Omit<ServiceModel, "operations" | "errors">;
  shapes: ShapeEntry[];
  /** [name, input, output, http, endpointHostPrefix] */
  operations: [string, number, number, OperationModel["http"] | null, string | null][];
  errors: [string, number][];
}

/** A shape's identity within one model: same target and same merged traits means same shape. */
const keyOf = (s: Shape): string => {
  const children =
    s.kind === "structure" || s.kind === "union"
      ? [...s.members].map(([n, m]) => `${n}:${m.name}`).join(",")
      : s.kind === "list"
        ? s.member!.name
        : s.kind === "map"
          ? `${s.key!.name}>${s.value!.name}`
          : "";
  return `${s.kind}|${s.name}|${JSON.stringify(s.traits)}|${children}`;
};

export const snapshotModel = (model: ServiceModel): ModelSnapshot => {
  const index = new Map<string, number>();
  const shapes: ShapeEntry[] = [];
  const visit = (s: Shape): number => {
    const key = keyOf(s);
    const known = index.get(key);
    if (known !== undefined) return known;
    const id = shapes.length;
    index.set(key, id);
    const entry: ShapeEntry = [s.kind, s.name, s.traits];
    shapes.push(entry);
    if (s.kind === "structure" || s.kind === "union") {
      entry[3] = [...s.members].map(([n, m]) => [n, visit(m)]);
      entry[4] = [...s.required];
    } else if (s.kind === "list") {
      entry[5] = visit(s.member!);
    } else if (s.kind === "map") {
      entry[6] = visit(s.key!);
      entry[7] = visit(s.value!);
    }
    return id;
  };
  const operations: ModelSnapshot["operations"] = [...model.operations.values()].map((op) => [
    op.name,
    visit(op.input),
    visit(op.output),
    op.http ?? null,
    op.endpointHostPrefix ?? null,
  ]);
  const errors: ModelSnapshot["errors"] = [...model.errors].map(([code, s]) => [code, visit(s)]);
  const { operations: _o, errors: _e, ...rest } = model;
  // Absent rather than undefined, as JSON keeps it.
  const service = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ModelSnapshot["service"];
  return { service, shapes, operations, errors };
};

const NO_MEMBERS: ReadonlyMap<string, Shape> = new Map();
const NO_NAMES: ReadonlySet<string> = new Set();

/** Shapes are built on first access, so loading a snapshot costs its JSON.parse and little more. */
export const modelFromSnapshot = (snap: ModelSnapshot): ServiceModel => {
  const built: (Shape | undefined)[] = new Array(snap.shapes.length);
  const shape = (id: number): Shape => {
    const existing = built[id];
    if (existing) return existing;
    const [kind, name, traits, members, required, member, key, value] = snap.shapes[id];
    let memberMap: ReadonlyMap<string, Shape> | undefined;
    let requiredSet: ReadonlySet<string> | undefined;
    const s: Shape = {
      kind,
      name,
      traits,
      get members() {
        return (memberMap ??= members ? new Map(members.map(([n, m]) => [n, shape(m)])) : NO_MEMBERS);
      },
      get required() {
        return (requiredSet ??= required?.length ? new Set(required) : NO_NAMES);
      },
      get member() {
        return member == null ? undefined : shape(member);
      },
      get key() {
        return key == null ? undefined : shape(key);
      },
      get value() {
        return value == null ? undefined : shape(value);
      },
    };
    built[id] = s;
    return s;
  };
  const operations = new Map<string, OperationModel>();
  for (const [name, input, output, http, endpointHostPrefix] of snap.operations) {
    operations.set(name, {
      name,
      get input() {
        return shape(input);
      },
      get output() {
        return shape(output);
      },
      http: http ?? undefined,
      endpointHostPrefix: endpointHostPrefix ?? undefined,
    });
  }
  const errors = new Map(snap.errors.map(([code, id]) => [code, shape(id)]));
  return { ...snap.service, operations, errors };
};
