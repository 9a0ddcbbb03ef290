import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isCivilDate } from '@registry/domain';

/** A real calendar date written `YYYY-MM-DD` (rejects 2023-02-29). */
export function IsCivilDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCivilDate',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isCivilDate(value) },
    });
}

export const PROVINCE_CODE = /^\d{3}$/;
export const COMMUNE_CODE = /^\d{5}$/;

export class PersonNameDto {
  @ApiProperty({ example: 'Nguyễn' }) @IsString() @IsNotEmpty() @MaxLength(100) familyName: string;
  @ApiPropertyOptional({ example: 'Văn' }) @IsOptional() @IsString() @MaxLength(100) middleName?: string;
  @ApiProperty({ example: 'An' }) @IsString() @IsNotEmpty() @MaxLength(100) givenName: string;
}

export class PlaceDto {
  @ApiProperty({ example: '001' })
  @IsString()
  @Matches(PROVINCE_CODE, { message: 'provinceCode must be 3 digits' })
  provinceCode: string;
  @ApiPropertyOptional({ example: 'Bệnh viện Bạch Mai' }) @IsOptional() @IsString() @MaxLength(500) detail?: string;
}

export class AddressDto {
  @ApiProperty({ example: '079' })
  @IsString()
  @Matches(PROVINCE_CODE, { message: 'provinceCode must be 3 digits' })
  provinceCode: string;
  @ApiPropertyOptional({ example: '26734' })
  @IsOptional()
  @IsString()
  @Matches(COMMUNE_CODE, { message: 'communeCode must be 5 digits' })
  communeCode?: string;
  @ApiProperty({ example: '5 Lê Lợi' }) @IsString() @IsNotEmpty() @MaxLength(500) line: string;
}

export class RevisionAnswer {
  @ApiProperty({ example: 1 }) revision: number;
}

export function toAddress(dto: AddressDto) {
  return { provinceCode: dto.provinceCode, communeCode: dto.communeCode ?? null, line: dto.line };
}

export function toPlace(dto: PlaceDto) {
  return { provinceCode: dto.provinceCode, detail: dto.detail ?? null };
}

export function toPersonName(dto: PersonNameDto) {
  return { familyName: dto.familyName, middleName: dto.middleName ?? null, givenName: dto.givenName };
}
