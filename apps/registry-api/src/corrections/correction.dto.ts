import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, validate } from 'class-validator';
import { isCivilDate, type CorrectableField } from '@registry/domain';
import { HttpProblem, fieldProblems } from '@registry/platform';
import { PersonNameDto, PlaceDto, toPersonName, toPlace } from '../http/common.dto';

export const CORRECTABLE_FIELDS: readonly CorrectableField[] = [
  'dateOfBirth',
  'name',
  'sex',
  'placeOfBirth',
  'ethnicity',
  'dateOfDeath',
  'placeOfDeath',
];

export class CorrectionDto {
  @ApiProperty({ enum: CORRECTABLE_FIELDS }) @IsIn(CORRECTABLE_FIELDS) field: CorrectableField;
  @ApiProperty({ description: "The new value in the field's own shape", example: '2024-03-06' })
  @IsDefined()
  value: unknown;
  @ApiProperty({ example: 'Clerical error in the birth register' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
  @ApiProperty({ example: 'Decision no. 123/QĐ-UBND' }) @IsString() @IsNotEmpty() @MaxLength(500) legalBasis: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The event (an `eventId` of the timeline) that recorded the wrong value; omitted: the fact registered at birth. ' +
      'So far a name change (`field: "name"`): the corrected name holds for that change\'s period.',
  })
  @IsOptional()
  @IsUUID()
  corrects?: string;
}

/** The correction's value, checked against the shape of its field (400 otherwise). */
export async function correctedValue(field: CorrectableField, value: unknown): Promise<unknown> {
  switch (field) {
    case 'dateOfBirth':
    case 'dateOfDeath':
      return isCivilDate(value) ? value : invalid('must be a date written YYYY-MM-DD');
    case 'sex':
      return value === 'male' || value === 'female' ? value : invalid('must be male or female');
    case 'ethnicity':
      return typeof value === 'string' && value.trim() !== '' && value.length <= 100
        ? value
        : invalid('must be a non-empty text');
    case 'name': {
      const name = await validObject(PersonNameDto, value);
      return toPersonName(name);
    }
    case 'placeOfBirth':
    case 'placeOfDeath':
      return toPlace(await validObject(PlaceDto, value));
  }
}

async function validObject<T extends object>(type: new () => T, value: unknown): Promise<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('must be an object');
  const instance = plainToInstance(type, value);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'The corrected value is not valid', fieldProblems(errors, 'value'));
  }
  return instance;
}

function invalid(problem: string): never {
  throw new HttpProblem(400, 'VALIDATION_FAILED', 'The corrected value is not valid', [
    { field: 'value', problems: [problem] },
  ]);
}
