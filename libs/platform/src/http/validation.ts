import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { HttpProblem } from './error-body';
import type { FieldProblem } from './field-problem';
import { nestedObjectProblems } from './nested-objects';
import { cleanRequestText, queryTextProblems } from './request-text';

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
    const instance: unknown = await super.transform(clean, metadata);
    const missing = nestedObjectProblems(instance);
    if (missing.length > 0) throw invalid(missing);
    return instance;
  }
}

/** 400 VALIDATION_FAILED for missing, ill-typed or unknown fields, listing each field. */
export function registryValidationPipe(): ValidationPipe {
  return new RegistryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => invalid(fieldProblems(errors)),
  });
}
