import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { HttpProblem } from './error-body';

export interface FieldProblem {
  readonly field: string;
  readonly problems: string[];
}

/** Every failing field with its dotted path, e.g. `child.dateOfBirth`. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** 400 VALIDATION_FAILED for missing, ill-typed or unknown fields, listing each field. */
export function registryValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) =>
      new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', fieldProblems(errors)),
  });
}
