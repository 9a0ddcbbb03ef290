import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { TransformationType } from 'class-transformer';

// class-transformer keeps its decorators' metadata in this singleton; it exports no other way to read it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const storage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage })
  .defaultMetadataStorage;

/** What class-transformer does with one class's properties, resolved once: the class of each `@Type` one. */
interface ClassPlan {
  readonly nested: ReadonlyMap<string, new () => object>;
}

const DECLINED = Symbol('declined');
/**
 * Keys class-transformer treats apart: prototype keys, and the names of Object.prototype's members,
 * which it leaves out of a plain object it copies (they name methods of the copy). Declined.
 */
const PROTOTYPE_KEYS = new Set([
  '__proto__',
  'prototype',
  'constructor',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/**
 * `plainToInstance` (class-transformer, no options: what ValidationPipe calls) ahead, for a plain
 * JSON body and classes whose only class-transformer metadata is `@Type(() => SomeDto)`: a new
 * instance of the class per object, each property copied (JSON values deep-copied), each `@Type`
 * property built as its class. Its executor looks up the metadata of every key on every call,
 * 5% of a birth's CPU. Anything else (another kind of metadata, a property the class does not
 * declare, an array or a non-object under `@Type`, a prototype key, a class with methods or
 * accessors) is declined: the caller then runs class-transformer itself (ADR 0106).
 */
export class InstancePlans {
  private readonly plans = new Map<unknown, ClassPlan | null>();

  /** The instance class-transformer would build, or undefined when this cannot say. */
  build(
    target: new () => object,
    plain: unknown,
    known: (target: unknown) => ReadonlySet<string> | null,
  ): object | undefined {
    const built = this.instance(target, plain, known, 0);
    return built === DECLINED ? undefined : (built as object);
  }

  private instance(
    target: new () => object,
    plain: unknown,
    known: (target: unknown) => ReadonlySet<string> | null,
    depth: number,
  ): unknown {
    if (depth > 16 || !isPlainObject(plain)) return DECLINED;
    const properties = known(target);
    const plan = properties && this.planOf(target, properties);
    if (!plan || !properties) return DECLINED;
    const instance = new target() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      if (!properties.has(key)) return DECLINED; // refused anyway (forbidNonWhitelisted): class-validator words it
      const value = (plain as Record<string, unknown>)[key];
      const nested = plan.nested.get(key);
      const copy = nested ? this.instance(nested, value, known, depth + 1) : plainCopy(value, depth + 1);
      if (copy === DECLINED) return DECLINED;
      instance[key] = copy;
    }
    return instance;
  }

  private planOf(target: new () => object, properties: ReadonlySet<string>): ClassPlan | null {
    let plan = this.plans.get(target);
    if (plan === undefined) {
      plan = compile(target, properties);
      this.plans.set(target, plan);
    }
    return plan;
  }
}

function compile(target: new () => object, properties: ReadonlySet<string>): ClassPlan | null {
  if (storage.getStrategy(target) !== 'none') return null;
  if (storage.getExposedMetadatas(target).length > 0 || storage.getExcludedMetadatas(target).length > 0) return null;
  if (hasPrototypeMembers(target)) return null;
  const nested = new Map<string, new () => object>();
  for (const property of properties) {
    if (storage.findTransformMetadatas(target, property, TransformationType.PLAIN_TO_CLASS).length > 0) return null;
    const type = storage.findTypeMetadata(target, property);
    if (!type) continue;
    if (type.options?.discriminator) return null;
    const nestedClass = type.typeFunction?.() as unknown;
    if (typeof nestedClass !== 'function' || BUILT_INS.has(nestedClass)) return null;
    nested.set(property, nestedClass as new () => object);
  }
  return { nested };
}

/** Types class-transformer converts to instead of building an instance: not for these plans. */
const BUILT_INS = new Set<unknown>([String, Number, Boolean, Date, Buffer, Map, Set, Object, Array, Promise]);

/** class-transformer skips a key that names a method or a getter of the class: such classes are declined. */
function hasPrototypeMembers(target: new () => object): boolean {
  for (
    let proto = target.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (Object.getOwnPropertyNames(proto).some((name) => name !== 'constructor')) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** A JSON value copied as class-transformer copies an untyped one: arrays and objects anew, the rest as is. */
function plainCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 16) return DECLINED;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const item of value) {
      const itemCopy = plainCopy(item, depth + 1);
      if (itemCopy === DECLINED) return DECLINED;
      copy.push(itemCopy);
    }
    return copy;
  }
  if (!isPlainObject(value)) return DECLINED;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return DECLINED;
    const itemCopy = plainCopy(value[key], depth + 1);
    if (itemCopy === DECLINED) return DECLINED;
    copy[key] = itemCopy;
  }
  return copy;
}
