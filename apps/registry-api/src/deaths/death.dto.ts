import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsCivilDate, PlaceDto } from '../http/common.dto';

export class DeathDto {
  @ApiProperty({ example: '2024-05-01' }) @IsCivilDate() dateOfDeath: string;
  @ApiProperty({ type: PlaceDto }) @ValidateNested() @Type(() => PlaceDto) placeOfDeath: PlaceDto;
  @ApiProperty({ example: 'KT-2024-000123' }) @IsString() @IsNotEmpty() @MaxLength(100) certificateNumber: string;
}
