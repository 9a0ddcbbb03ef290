import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class DeathAnnulmentDto {
  @ApiProperty({ example: 'The death was registered under the wrong PIN' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
  @ApiProperty({ example: 'Decision no. 45/QĐ-UBND' }) @IsString() @IsNotEmpty() @MaxLength(500) legalBasis: string;
}
