import { Injectable, type PipeTransform } from '@nestjs/common';
import { isPinShaped } from '@registry/domain';
import { HttpProblem } from '@registry/platform';

/** A PIN in a path must have 12 digits; anything else is a malformed request (400). */
@Injectable()
export class PinPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isPinShaped(value)) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'A PIN has 12 digits', [
        { field: 'pin', problems: ['must be 12 digits'] },
      ]);
    }
    return value;
  }
}
