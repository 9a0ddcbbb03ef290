import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AddressDto, IsCivilDate } from '../http/common.dto';

export class PermanentResidenceDto {
  @ApiProperty({ type: AddressDto }) @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiProperty({ example: '2024-06-01' }) @IsCivilDate() effectiveDate: string;
}

export class TemporaryResidenceDto {
  @ApiProperty({ type: AddressDto }) @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiProperty({ example: '2024-06-01' }) @IsCivilDate() from: string;
  @ApiProperty({ example: '2025-06-01' }) @IsCivilDate() until: string;
}

export const CANCELLATION_REASONS = ['deceased', 'moved_abroad', 'absent_12_months', 'other'] as const;

export class ResidenceCancellationDto {
  @ApiProperty({ enum: CANCELLATION_REASONS })
  @IsIn(CANCELLATION_REASONS)
  reason: (typeof CANCELLATION_REASONS)[number];
  @ApiProperty({ example: '2024-07-01' }) @IsCivilDate() effectiveDate: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class TemporaryResidenceEndDto {
  @ApiProperty({ example: '2024-09-01' }) @IsCivilDate() effectiveDate: string;
  @ApiProperty({ example: 'moved back home' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}
