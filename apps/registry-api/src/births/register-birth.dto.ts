import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AddressDto, IsCivilDate, PersonNameDto, PlaceDto, PROVINCE_CODE } from '../http/common.dto';

const PIN = /^\d{12}$/;

export class ChildDto extends PersonNameDto {
  @ApiProperty({ enum: ['male', 'female'] }) @IsIn(['male', 'female']) sex: 'male' | 'female';
  @ApiProperty({ example: '2024-03-05' }) @IsCivilDate() dateOfBirth: string;
  @ApiProperty({ type: PlaceDto }) @ValidateNested() @Type(() => PlaceDto) placeOfBirth: PlaceDto;
  @ApiPropertyOptional({ example: 'VN', default: 'VN' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'nationality must be an ISO 3166-1 alpha-2 country code' })
  @IsISO31661Alpha2({ message: 'nationality must be an ISO 3166-1 alpha-2 country code' })
  nationality?: string;
  @ApiPropertyOptional({ example: 'Kinh' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) ethnicity?: string;
}

export class RegisterBirthDto {
  @ApiProperty({ type: ChildDto }) @ValidateNested() @Type(() => ChildDto) child: ChildDto;
  @ApiPropertyOptional({ example: '001190012345' })
  @IsOptional()
  @Matches(PIN, { message: 'motherPin must be 12 digits' })
  motherPin?: string;
  @ApiPropertyOptional({ example: '001088054321' })
  @IsOptional()
  @Matches(PIN, { message: 'fatherPin must be 12 digits' })
  fatherPin?: string;
  @ApiProperty({ example: '001' })
  @Matches(PROVINCE_CODE, { message: 'registrationProvinceCode must be 3 digits' })
  registrationProvinceCode: string;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  permanentResidence?: AddressDto;
  @ApiPropertyOptional({ type: [String], description: 'PINs of children this one is confirmed not to be (twins)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(PIN, { each: true, message: 'confirmedDistinctFrom must hold 12-digit PINs' })
  confirmedDistinctFrom?: string[];
}

export class BirthRegisteredAnswer {
  @ApiProperty({ example: '001224001234' }) pin: string;
  @ApiProperty({ example: 0 }) revision: number;
  @ApiPropertyOptional({ description: 'The birth procedure, when the application gave a permanent residence' })
  procedureId?: string;
}
