import {
  ValidationPipe,
  type ArgumentMetadata,
  type Type,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { HttpProblem } from './error-body';
import type { FieldProblem } from './field-problem';
import { nestedObjectProblems } from './nested-objects';
import { cleanRequestText, queryTextProblems } from './request-text';
import { InstancePlans } from './instance-plans';
import { ValidationPlans } from './validation-plans';

export type { FieldProblem } from './field-problem';

/** Every failing field with its dotted path, e.g. `child.dateOfBirth`. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

function invalid(details: readonly FieldProblem[]): HttpProblem {
  return new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', details);
}

/**
 * The one validation of every request: texts checked and cleaned (see cleanRequestText), then the
 * class-validator shape, then required nested objects. Each problem is listed by field.
 */
class RegistryValidationPipe extends ValidationPipe {
  private readonly plans = new ValidationPlans();
  private readonly instances = new InstancePlans();
  private readonly knownProperties = (target: unknown) => this.plans.knownProperties(target);

  constructor(options: ValidationPipeOptions & typeof REGISTRY_VALIDATOR_OPTIONS) {
    super(options);
  }

  /** Bodies not built here (a prototype key, a doubtful one) still skip class-validator when the plans accept them. */
  protected override validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    if (this.plans.accepts(object)) return [];
    return super.validate(object, validatorOptions);
  }

  /**
   * The body's instance when it is certainly valid: built as ValidationPipe builds it (the same
   * class-transformer call) and accepted by the plans, which answer as class-validator would.
   * ValidationPipe's other steps change nothing for such a body (a JSON body has no binary
   * value and no sparse array; one with a prototype key is left to it, as it strips them).
   * Undefined for any other: ValidationPipe and class-validator then word the errors. Its
   * metadata lookups and executor were 10% of a birth's CPU (ADR 0072).
   */
  private certainlyValid(clean: unknown, metatype: Type<unknown>): object | undefined {
    // The instance built ahead as class-transformer would (ADR 0106), or by class-transformer itself.
    const built = this.transformOptions
      ? undefined
      : this.instances.build(metatype as new () => object, clean, this.knownProperties);
    if (built) return this.plans.accepts(built) ? built : undefined;
    if (!isPlainJson(clean, 0)) return undefined;
    const entity = plainToInstance(metatype, clean, this.transformOptions) as unknown;
    if (typeof entity !== 'object' || entity === null || entity.constructor !== metatype) return undefined;
    return this.plans.accepts(entity) ? entity : undefined;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') {
      const problems = queryTextProblems(value);
      if (problems.length > 0) throw invalid(problems);
    }
    if (metadata.type !== 'body' || !metadata.metatype || !this.toValidate(metadata)) {
      return super.transform(value, metadata);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalid([{ field: 'body', problems: ['the request body must be a JSON object'] }]);
    }
    const problems: FieldProblem[] = [];
    const clean = cleanRequestText(value, problems);
    if (problems.length > 0) throw invalid(problems);
    const instance: unknown = this.certainlyValid(clean, metadata.metatype) ?? (await super.transform(clean, metadata));
    const missing = nestedObjectProblems(instance);
    if (missing.length > 0) throw invalid(missing);
    return instance;
  }
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Objects of Object.prototype, arrays and primitives, as JSON.parse makes them, with no prototype key. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 16) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key) || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** The only options ValidationPlans answers for: no groups, no skipped properties. */
const REGISTRY_VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** 400 VALIDATION_FAILED for missing, ill-typed or unknown fields, listing each field. */
export function registryValidationPipe(): ValidationPipe {
  return new RegistryValidationPipe({
    ...REGISTRY_VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => invalid(fieldProblems(errors)),
  });
}
