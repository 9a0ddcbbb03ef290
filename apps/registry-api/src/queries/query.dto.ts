import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_SEARCH_NAME_LENGTH, searchableLength } from '@registry/read-models';
import { IsCivilDate, PROVINCE_CODE } from '../http/common.dto';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A name with enough letters for the trigram index (diacritics and spaces do not count). */
function IsSearchableName(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSearchableName',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must have at least ${MIN_SEARCH_NAME_LENGTH} letters`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && searchableLength(value) >= MIN_SEARCH_NAME_LENGTH,
      },
    });
}

export class CitizenLookupQuery {
  @ApiPropertyOptional({
    description: 'Read-your-writes: answer with at least this revision (waits up to 2 s, then 503)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  minRevision?: number;

  @ApiPropertyOptional({ description: 'Valid time: the record as it stood on this date', example: '2024-06-01' })
  @IsOptional()
  @IsCivilDate()
  validAt?: string;

  @ApiPropertyOptional({
    description: 'Transaction time: as the registry knew it at this instant',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}

export class PageQuery {
  @ApiPropertyOptional({ default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class CitizenSearchQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Any part of the name; diacritics and case do not matter',
    example: 'nguyen van duc',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsSearchableName()
  name?: string;

  @ApiPropertyOptional({ example: '2024-03-05' })
  @IsOptional()
  @IsCivilDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ description: 'Province of the permanent residence', example: '079' })
  @IsOptional()
  @Matches(PROVINCE_CODE, { message: 'provinceCode must be 3 digits' })
  provinceCode?: string;
}

export class ResidentsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Residents on this date (default: today)', example: '2024-01-01' })
  @IsOptional()
  @IsCivilDate()
  date?: string;

  @ApiPropertyOptional({ description: 'As the registry knew it at this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}

export class PopulationQuery {
  @ApiProperty({ example: '079' })
  @Matches(PROVINCE_CODE, { message: 'provinceCode must be 3 digits' })
  provinceCode: string;

  @ApiPropertyOptional({ description: 'Default: today', example: '2024-01-01' })
  @IsOptional()
  @IsCivilDate()
  date?: string;

  @ApiPropertyOptional({ description: 'As the registry knew it at this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}

export class VitalEventsQuery {
  @ApiProperty({ example: '079' })
  @Matches(PROVINCE_CODE, { message: 'provinceCode must be 3 digits' })
  provinceCode: string;

  @ApiProperty({ description: 'First month, YYYY-MM', example: '2024-01' })
  @Matches(MONTH, { message: 'from must be a month written YYYY-MM' })
  from: string;

  @ApiProperty({ description: 'Last month, YYYY-MM', example: '2024-12' })
  @Matches(MONTH, { message: 'to must be a month written YYYY-MM' })
  to: string;

  @ApiPropertyOptional({ description: 'As the registry knew it at this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}
