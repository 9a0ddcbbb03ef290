import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { CitizenEventSchema } from '@registry/contracts';

/**
 * What the generated contract knows about each event type: the `payload` oneof case and its
 * message. The mapping from the domain's JSON is driven by these descriptors, so an event type
 * the proto gained (NameChanged, RecordCorrected...) maps as soon as the domain emits it with the
 * field names of the contract (the convention of libs/contracts/README.md).
 */
export interface PayloadContract {
  readonly type: string;
  readonly oneofCase: string;
  readonly message: DescMessage;
}

const payloadOneof = CitizenEventSchema.oneofs.find((oneof) => oneof.name === 'payload');
if (!payloadOneof) throw new Error('registry.v1.CitizenEvent has no payload oneof');

export const PAYLOAD_CONTRACTS: ReadonlyMap<string, PayloadContract> = new Map(
  payloadOneof.fields.flatMap((field) =>
    field.message ? [[field.message.name, { type: field.message.name, oneofCase: field.localName, message: field.message }] as const] : [],
  ),
);

/** The field of `message` a domain key names: its proto JSON name (lowerCamelCase), as the domain uses. */
export function fieldNamed(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((field) => field.jsonName === name);
}

/** A domain value the contract could not take: reported, never sent. */
export interface DroppedField {
  readonly path: string;
  readonly reason: 'not in the contract' | 'wrong shape';
}

/**
 * Builds the init object of `message` from domain JSON. `null` and absent values stay unset
 * (proto3 presence); domain keys the contract lacks are dropped and reported, as are values of
 * the wrong shape, so one odd event never stops the feed.
 */
export function payloadInit(
  message: DescMessage,
  data: Record<string, unknown>,
  dropped: DroppedField[],
  ignore: ReadonlySet<string> = new Set(),
  prefix = '',
): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (ignore.has(key)) continue;
    const path = prefix + key;
    const field = fieldNamed(message, key);
    if (!field) {
      dropped.push({ path, reason: 'not in the contract' });
      continue;
    }
    if (value === null || value === undefined) continue;
    const converted = fieldValue(field, value, dropped, path);
    if (converted === undefined) dropped.push({ path, reason: 'wrong shape' });
    else init[field.localName] = converted;
  }
  return init;
}

function fieldValue(field: DescField, value: unknown, dropped: DroppedField[], path: string): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarValue(field.scalar, value);
    case 'enum':
      return enumValue(field.enum.values, value);
    case 'message':
      return isObject(value) ? payloadInit(field.message, value, dropped, new Set(), `${path}.`) : undefined;
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const items = value.map((item) => {
        if (field.listKind === 'scalar') return scalarValue(field.scalar, item);
        if (field.listKind === 'enum') return enumValue(field.enum.values, item);
        return isObject(item) ? payloadInit(field.message, item, dropped, new Set(), `${path}[].`) : undefined;
      });
      return items.some((item) => item === undefined) ? undefined : items;
    }
    case 'map':
      return undefined; // no payload has a map; refuse rather than guess
    default: {
      const unknown: never = field;
      return unknown;
    }
  }
}

function scalarValue(type: ScalarType, value: unknown): unknown {
  switch (type) {
    case ScalarType.STRING:
      return typeof value === 'string' ? value : undefined;
    case ScalarType.BOOL:
      return typeof value === 'boolean' ? value : undefined;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return typeof value === 'number' ? value : undefined;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? value : undefined;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 32 ? value : undefined;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return Number.isSafeInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value)) ? BigInt(value as number | string) : undefined;
    case ScalarType.BYTES:
      return undefined; // the domain's JSON has no bytes
    default:
      return undefined;
  }
}

/** The domain writes enums in lower snake case (`moved_abroad`); the contract's values are `..._MOVED_ABROAD`. */
function enumValue(values: ReadonlyArray<{ number: number; localName: string }>, value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.toUpperCase();
  const found = values.find((candidate) => candidate.localName === wanted && candidate.number !== 0);
  return found?.number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
