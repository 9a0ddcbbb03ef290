import {
  getMetadataStorage,
  ValidationTypes,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** What class-validator's metadata says about one property, resolved once per class. */
interface PropertyPlan {
  readonly name: string;
  /** `@IsOptional`, `@ValidateIf`: the property is validated only when every condition holds. */
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  /** `@IsDefined` first, then every other constraint (`@IsString`, `@Matches`, custom ones...). */
  readonly constraints: readonly ConstraintPlan[];
  /** `@ValidateNested`: how many (each runs the nested validation again, as class-validator does). */
  readonly nested: number;
}

interface ConstraintPlan {
  readonly property: string;
  readonly args: readonly unknown[];
  readonly each: boolean;
  readonly validateIf?: (object: object, value: unknown) => boolean;
  readonly validators: readonly ValidatorConstraintInterface[];
}

interface ClassPlan {
  /** Properties with any metadata: the only ones `whitelist` + `forbidNonWhitelisted` let through. */
  readonly known: ReadonlySet<string>;
  readonly properties: readonly PropertyPlan[];
}

/** Request bodies are at most 8 levels deep (http-layer.ts); deeper is left to class-validator. */
const MAX_DEPTH = 16;

/**
 * A fast answer to "would class-validator find nothing wrong with this object?", for the registry's
 * validation options (whitelist, forbidNonWhitelisted, forbidUnknownValues; no groups, no skip
 * options). The metadata class-validator would look up on every call (its lookup scans every
 * validated class of the process, per object) is resolved once per class, and the very same
 * constraint instances are run, in class-validator's own order and with its own rules (conditions
 * first, `each` over arrays, sets and maps, nested objects validated by their own class, unknown
 * properties refused). `accepts` is true only when class-validator would return no error; anything
 * it cannot decide (an asynchronous constraint, a promise, a kind of metadata it does not know) is
 * false, and the caller then runs class-validator itself, which words the errors. So every refusal
 * and its body stay class-validator's (ADR 0072).
 */
export class ValidationPlans {
  private readonly plans = new Map<unknown, ClassPlan | null>();
  private readonly storage = getMetadataStorage();

  /** The properties class-validator knows on this class (whitelist), or null when the plans decline it. */
  knownProperties(target: unknown): ReadonlySet<string> | null {
    return this.planOf(target)?.known ?? null;
  }

  accepts(object: object, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const plan = this.planOf(object.constructor);
    if (!plan) return false;
    for (const key of Object.keys(object)) if (!plan.known.has(key)) return false;
    const record = object as Record<string, unknown>;
    for (const property of plan.properties) {
      const value = record[property.name];
      if (!property.conditions.every((condition) => condition(object, value))) continue;
      for (const constraint of property.constraints) if (!this.holds(constraint, object, value)) return false;
      for (let i = 0; i < property.nested; i++) if (!this.nestedAccepts(value, depth + 1)) return false;
    }
    return true;
  }

  private holds(constraint: ConstraintPlan, object: object, value: unknown): boolean {
    if (constraint.validateIf && !constraint.validateIf(object, value)) return true;
    const args: ValidationArguments = {
      targetName: object.constructor?.name,
      property: constraint.property,
      object,
      value,
      constraints: constraint.args as unknown[],
    };
    const each = constraint.each && isCollection(value);
    for (const validator of constraint.validators) {
      if (!each) {
        if (!isTrue(validator.validate(value, args))) return false;
        continue;
      }
      for (const item of collectionValues(value as unknown[] | Set<unknown> | Map<unknown, unknown>)) {
        if (!isTrue(validator.validate(item, args))) return false;
      }
    }
    return true;
  }

  /** class-validator's nestedValidations: undefined passes, collections item by item, objects by their class. */
  private nestedAccepts(value: unknown, depth: number): boolean {
    if (value === undefined) return true;
    if (depth > MAX_DEPTH) return false;
    if (isCollection(value)) {
      const items = value instanceof Map ? [...value.values()] : [...value];
      return items.every((item) => this.nestedAccepts(item, depth + 1));
    }
    return value instanceof Object && this.accepts(value, depth);
  }

  private planOf(target: unknown): ClassPlan | null {
    if (typeof target !== 'function') return null;
    let plan = this.plans.get(target);
    if (plan === undefined) {
      plan = this.compile(target);
      this.plans.set(target, plan);
    }
    return plan;
  }

  /** The class's metadata as ValidationExecutor gathers it (no groups, `always` off), or null when unsure. */
  private compile(target: object['constructor']): ClassPlan | null {
    const metadatas = this.storage.getTargetValidationMetadatas(
      target,
      undefined as unknown as string,
      false,
      false,
      undefined,
    );
    if (metadatas.length === 0) return null; // forbidUnknownValues: an error
    const byProperty = this.storage.groupByPropertyName(metadatas);
    const properties: PropertyPlan[] = [];
    for (const [name, group] of Object.entries(byProperty)) {
      const conditions: PropertyPlan['conditions'][number][] = [];
      const defined: ConstraintPlan[] = [];
      const others: ConstraintPlan[] = [];
      let nested = 0;
      for (const metadata of group) {
        switch (metadata.type) {
          case ValidationTypes.WHITELIST:
            break;
          case ValidationTypes.CONDITIONAL_VALIDATION:
            conditions.push(metadata.constraints[0] as PropertyPlan['conditions'][number]);
            break;
          case ValidationTypes.NESTED_VALIDATION:
            nested++;
            break;
          case ValidationTypes.IS_DEFINED:
          case ValidationTypes.CUSTOM_VALIDATION: {
            const constraints = this.storage.getTargetValidatorConstraints(metadata.constraintCls);
            if (constraints.some((constraint) => constraint.async)) return null;
            (metadata.type === ValidationTypes.IS_DEFINED ? defined : others).push({
              property: metadata.propertyName,
              args: metadata.constraints,
              each: metadata.each,
              validateIf: metadata.validateIf,
              validators: constraints.map((constraint) => constraint.instance),
            });
            break;
          }
          default:
            return null; // a promise validation, or a kind this plan does not know
        }
      }
      properties.push({ name, conditions, constraints: [...defined, ...others], nested });
    }
    return { known: new Set(Object.keys(byProperty)), properties };
  }
}

/** class-validator's verdict: any truthy answer passes; a promise (an asynchronous constraint) is left to it. */
function isTrue(valid: unknown): boolean {
  return !!valid && typeof (valid as { then?: unknown }).then !== 'function';
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

function collectionValues(value: unknown[] | Set<unknown> | Map<unknown, unknown>): unknown[] {
  return value instanceof Map ? [...value.values()] : Array.isArray(value) ? value : [...value];
}
