import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { FieldProblem } from './field-problem';

/**
 * class-validator lets `@ValidateNested()` pass when the value is missing, and validates an array
 * in place of an object item by item (so `child: []` passes). For every request shape at once:
 * a nested property that is not `@IsOptional()` must be present, and one declared without
 * `each` must be an object, not an array or null.
 */
export function nestedObjectProblems(instance: unknown, parent = ''): FieldProblem[] {
  if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) return [];
  const { optional, nested } = nestedPropertiesOf(instance.constructor);
  return nested.flatMap((propertyName) => {
    const field = parent ? `${parent}.${propertyName}` : propertyName;
    const value = (instance as Record<string, unknown>)[propertyName];
    if (value === undefined && optional.has(propertyName)) return [];
    if (value === null && optional.has(propertyName)) return [];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return [{ field, problems: [`${field} must be an object`] }];
    }
    return nestedObjectProblems(value, field);
  });
}

interface NestedProperties {
  readonly optional: ReadonlySet<string>;
  readonly nested: readonly string[];
}

/** Per class, resolved once: the metadata lookup scans every validated class of the process. */
const nestedProperties = new Map<unknown, NestedProperties>();

const NONE: NestedProperties = { optional: new Set(), nested: [] };

function nestedPropertiesOf(target: unknown): NestedProperties {
  if (typeof target !== 'function') return NONE; // a constructor the body set: no class, no metadata
  let known = nestedProperties.get(target);
  if (!known) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    known = {
      optional: new Set(
        metadata.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName),
      ),
      nested: metadata
        .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION && !m.each)
        .map((m) => m.propertyName),
    };
    nestedProperties.set(target, known);
  }
  return known;
}
