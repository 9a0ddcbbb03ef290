import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { CitizenEventSchema } from '@registry/contracts';
import { ProtoWriter, Wire } from './proto-writer';

/**
 * What the generated contract knows about each event type: the `payload` oneof case and its
 * message. The mapping from the domain's JSON is driven by these descriptors, so an event type
 * the proto gained maps as soon as the domain emits it with the field names of the contract
 * (the convention of libs/contracts/README.md; see contract-shape.ts for the exceptions).
 */
export interface PayloadContract {
  readonly type: string;
  /** The oneof member of CitizenEvent.payload. */
  readonly field: DescField;
  readonly message: DescMessage;
}

const payloadOneof = CitizenEventSchema.oneofs.find((oneof) => oneof.name === 'payload');
if (!payloadOneof) throw new Error('registry.v1.CitizenEvent has no payload oneof');

export const PAYLOAD_CONTRACTS: ReadonlyMap<string, PayloadContract> = new Map(
  payloadOneof.fields.flatMap((field) =>
    field.message ? [[field.message.name, { type: field.message.name, field, message: field.message }] as const] : [],
  ),
);

/** The field of `message` a domain key names: its proto JSON name (lowerCamelCase), as the domain uses. */
export function fieldNamed(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((field) => field.jsonName === name);
}

/** A domain value the contract could not take: reported, never sent. */
export interface DroppedField {
  /** Dotted path in the event's data; '' for the whole payload (a type the contract lacks). */
  readonly path: string;
  readonly reason: 'not in the contract' | 'wrong shape';
}

/** Writes one field's value with its tag; false when the value has the wrong shape (nothing written). */
type FieldWriter = (writer: ProtoWriter, value: unknown, dropped: DroppedField[], path: string) => boolean;

interface CompiledField {
  readonly jsonName: string;
  readonly write: FieldWriter;
}

interface CompiledMessage {
  /** In field-number order, as protobuf-es writes them (same bytes for the same message). */
  readonly fields: readonly CompiledField[];
  readonly known: ReadonlySet<string>;
}

const compiled = new Map<DescMessage, CompiledMessage>();

/** proto3 presence: a field without `optional` is absent when it holds its zero value. */
const IMPLICIT_PRESENCE = 2; // google.protobuf.FeatureSet.FieldPresence.IMPLICIT

/**
 * Writes `data` (JSON keyed by the contract's JSON names) as the fields of `message`, straight
 * from writers compiled once per message from the descriptors: no intermediate message objects
 * (protobuf-es's create() + toBinary() allocate far more, and the relay encodes every event for
 * every topic). The bytes equal protobuf-es's for the same message (checked by the unit tests).
 * `null` and absent values stay unset; keys the contract lacks and values of the wrong shape are
 * left out and reported, so one odd event never stops the feed.
 */
export function writeFields(
  writer: ProtoWriter,
  message: DescMessage,
  data: Record<string, unknown>,
  dropped: DroppedField[],
  prefix = '',
  /** A key of `data` carried elsewhere (the payload's PIN travels in the envelope): neither written nor reported. */
  elsewhere?: string,
): void {
  const plan = compiledMessage(message);
  for (const key of Object.keys(data)) {
    if (!plan.known.has(key) && key !== elsewhere) dropped.push({ path: prefix + key, reason: 'not in the contract' });
  }
  for (const field of plan.fields) {
    if (field.jsonName === elsewhere) continue;
    const value = data[field.jsonName];
    if (value === undefined || value === null) continue;
    if (!field.write(writer, value, dropped, prefix + field.jsonName))
      dropped.push({ path: prefix + field.jsonName, reason: 'wrong shape' });
  }
}

/** Encodes one message on its own. */
export function encodeFields(message: DescMessage, data: Record<string, unknown>, dropped: DroppedField[]): Buffer {
  const writer = new ProtoWriter();
  writeFields(writer, message, data, dropped);
  return writer.finish();
}

function compiledMessage(message: DescMessage): CompiledMessage {
  let plan = compiled.get(message);
  if (!plan) {
    plan = {
      fields: [...message.fields]
        .sort((a, b) => a.number - b.number)
        .map((field) => ({ jsonName: field.jsonName, write: compileField(field) })),
      known: new Set(message.fields.map((field) => field.jsonName)),
    };
    compiled.set(message, plan);
  }
  return plan;
}

function compileField(field: DescField): FieldWriter {
  const no = field.number;
  const implicit = field.presence === IMPLICIT_PRESENCE && !field.oneof;
  switch (field.fieldKind) {
    case 'scalar':
      return compileScalar(no, field.scalar, implicit);
    case 'enum': {
      const byName = new Map(field.enum.values.filter((v) => v.number !== 0).map((v) => [v.localName, v.number]));
      const zero = field.enum.values[0].number;
      // The domain writes enums in lower snake case (`moved_abroad`); the contract's values are `..._MOVED_ABROAD`.
      return (writer, value) => {
        const number = typeof value === 'string' ? byName.get(value.toUpperCase()) : undefined;
        if (number === undefined) return false;
        if (!(implicit && number === zero)) writer.tag(no, Wire.Varint).int32(number);
        return true;
      };
    }
    case 'message': {
      const message = field.message;
      return (writer, value, dropped, path) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        writer.tag(no, Wire.LengthDelimited).fork();
        writeFields(writer, message, value as Record<string, unknown>, dropped, `${path}.`);
        writer.join();
        return true;
      };
    }
    case 'list': {
      // A list of messages is a JSON array of objects, each written as its own tagged field.
      if (field.listKind !== 'message') return () => false; // no payload has another kind yet
      const message = field.message;
      return (writer, value, dropped, path) => {
        if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null)) return false;
        value.forEach((item, i) => {
          writer.tag(no, Wire.LengthDelimited).fork();
          writeFields(writer, message, item as Record<string, unknown>, dropped, `${path}.${i}.`);
          writer.join();
        });
        return true;
      };
    }
    case 'map':
      return () => false; // no payload has one yet; refuse rather than guess its JSON form
    default: {
      const unknown: never = field;
      return unknown;
    }
  }
}

function compileScalar(no: number, type: ScalarType, implicit: boolean): FieldWriter {
  switch (type) {
    case ScalarType.STRING:
      return (writer, value) => {
        if (typeof value !== 'string') return false;
        if (!(implicit && value === '')) writer.tag(no, Wire.LengthDelimited).string(value);
        return true;
      };
    case ScalarType.BOOL:
      return (writer, value) => {
        if (typeof value !== 'boolean') return false;
        if (!(implicit && !value)) writer.tag(no, Wire.Varint).bool(value);
        return true;
      };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      const double = type === ScalarType.DOUBLE;
      return (writer, value) => {
        if (typeof value !== 'number') return false;
        if (implicit && Object.is(value, 0)) return true;
        if (double) writer.tag(no, Wire.Bit64).double(value);
        else writer.tag(no, Wire.Bit32).float(value);
        return true;
      };
    }
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
    case ScalarType.UINT32:
    case ScalarType.FIXED32: {
      const unsigned = type === ScalarType.UINT32 || type === ScalarType.FIXED32;
      const [min, max] = unsigned ? [0, 2 ** 32] : [-(2 ** 31), 2 ** 31];
      const put: (writer: ProtoWriter, n: number) => unknown =
        type === ScalarType.INT32
          ? (w, n) => w.tag(no, Wire.Varint).int32(n)
          : type === ScalarType.SINT32
            ? (w, n) => w.tag(no, Wire.Varint).sint32(n)
            : type === ScalarType.UINT32
              ? (w, n) => w.tag(no, Wire.Varint).uint32(n)
              : type === ScalarType.FIXED32
                ? (w, n) => w.tag(no, Wire.Bit32).fixed32(n)
                : (w, n) => w.tag(no, Wire.Bit32).sfixed32(n);
      return (writer, value) => {
        if (!Number.isInteger(value) || (value as number) < min || (value as number) >= max) return false;
        if (!(implicit && value === 0)) put(writer, value as number);
        return true;
      };
    }
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64: {
      const unsigned = type === ScalarType.UINT64 || type === ScalarType.FIXED64;
      const [min, max] = unsigned ? [0n, 2n ** 64n] : [-(2n ** 63n), 2n ** 63n];
      const put: (writer: ProtoWriter, n: bigint) => unknown =
        type === ScalarType.INT64
          ? (w, n) => w.tag(no, Wire.Varint).int64(n)
          : type === ScalarType.SINT64
            ? (w, n) => w.tag(no, Wire.Varint).sint64(n)
            : type === ScalarType.UINT64
              ? (w, n) => w.tag(no, Wire.Varint).uint64(n)
              : type === ScalarType.FIXED64
                ? (w, n) => w.tag(no, Wire.Bit64).fixed64(n)
                : (w, n) => w.tag(no, Wire.Bit64).sfixed64(n);
      return (writer, value) => {
        const n = toBigInt(value);
        if (n === null || n < min || n >= max) return false;
        if (!(implicit && n === 0n)) put(writer, n);
        return true;
      };
    }
    default:
      return () => false; // bytes: the domain's JSON has none
  }
}

function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (Number.isSafeInteger(value)) return BigInt(value as number);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}
