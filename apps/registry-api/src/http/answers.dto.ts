import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the answers (API.md); the code builds the answers, these describe them. */

class ErrorDetail {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code: string;
  @ApiProperty({ example: 'The request is not valid' }) message: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) details: object[];
}

export class ErrorAnswer {
  @ApiProperty({ type: ErrorDetail }) error: ErrorDetail;
}

export class PersonNameAnswer {
  @ApiProperty({ example: 'Nguyễn' }) familyName: string;
  @ApiProperty({ example: 'Văn', nullable: true, type: String }) middleName: string | null;
  @ApiProperty({ example: 'An' }) givenName: string;
}

export class PlaceAnswer {
  @ApiProperty({ example: '001' }) provinceCode: string;
  @ApiProperty({ example: 'Bệnh viện Bạch Mai', nullable: true, type: String }) detail: string | null;
}

export class AddressAnswer {
  @ApiProperty({ example: '001' }) provinceCode: string;
  @ApiProperty({ example: '00004', nullable: true, type: String }) communeCode: string | null;
  @ApiProperty({ example: '12 Phố Huế' }) line: string;
}

export class PermanentResidenceAnswer {
  @ApiProperty({ type: AddressAnswer }) address: AddressAnswer;
  @ApiProperty({ example: '2024-03-05' }) since: string;
}

export class TemporaryResidenceAnswer {
  @ApiProperty({ type: AddressAnswer }) address: AddressAnswer;
  @ApiProperty({ example: '2024-06-01' }) from: string;
  @ApiProperty({ example: '2025-06-01' }) until: string;
}

/** `GET /v1/citizens/{pin}`. */
export class CitizenAnswer {
  @ApiProperty({ example: '001224001234' }) pin: string;
  @ApiProperty({ type: PersonNameAnswer }) name: PersonNameAnswer;
  @ApiProperty({ enum: ['male', 'female'] }) sex: string;
  @ApiProperty({ example: '2024-03-05' }) dateOfBirth: string;
  @ApiProperty({ type: PlaceAnswer }) placeOfBirth: PlaceAnswer;
  @ApiProperty({ example: 'VN' }) nationality: string;
  @ApiProperty({ example: 'Kinh', nullable: true, type: String }) ethnicity: string | null;
  @ApiProperty({ enum: ['alive', 'deceased'] }) status: string;
  @ApiProperty({ example: null, nullable: true, type: String }) dateOfDeath: string | null;
  @ApiProperty({ nullable: true, type: String }) motherPin: string | null;
  @ApiProperty({ nullable: true, type: String }) fatherPin: string | null;
  @ApiProperty({ type: PermanentResidenceAnswer, nullable: true }) permanentResidence: PermanentResidenceAnswer | null;
  @ApiProperty({ type: TemporaryResidenceAnswer, nullable: true }) temporaryResidence: TemporaryResidenceAnswer | null;
  @ApiProperty({ example: 1 }) revision: number;
  @ApiPropertyOptional({ description: 'With validAt/knownAt: the date the answer is valid on' }) validAt?: string;
  @ApiPropertyOptional({ description: 'With validAt/knownAt: the instant the answer was known at' }) knownAt?: string;
}

/** 301 of a PIN a correction re-established; `Location` names the new PIN. */
export class ReestablishedPinAnswer {
  @ApiProperty({ example: '001224001234' }) pin: string;
  @ApiProperty({ example: '001324005678' }) reestablishedAs: string;
}

export class CitizenPageAnswer {
  @ApiProperty({ type: [CitizenAnswer] }) items: CitizenAnswer[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor: string | null;
}

class TimelineActor {
  @ApiProperty({ nullable: true, type: String }) sub: string | null;
  @ApiProperty({ nullable: true, type: String }) office: string | null;
}

export class TimelineEntryAnswer {
  @ApiProperty({ example: '001224001234' }) pin: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ example: 'BirthRegistered' }) type: string;
  @ApiProperty({ example: 0 }) revision: number;
  @ApiProperty({ nullable: true, type: String, description: 'Valid time' }) effectiveAt: string | null;
  @ApiProperty({ description: 'Transaction time' }) recordedAt: string;
  @ApiProperty({ type: TimelineActor }) actor: TimelineActor;
  @ApiProperty({ nullable: true, type: String }) correlationId: string | null;
  @ApiProperty({ nullable: true, type: String }) causationId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: object;
}

export class TimelineAnswer {
  @ApiProperty() pin: string;
  @ApiProperty({ description: 'The PIN the person holds now' }) currentPin: string;
  @ApiProperty({ type: [TimelineEntryAnswer] }) events: TimelineEntryAnswer[];
}

class ResidentAnswer {
  @ApiProperty() pin: string;
  @ApiProperty({ type: PersonNameAnswer }) name: PersonNameAnswer;
  @ApiProperty() dateOfBirth: string;
  @ApiProperty({ type: PermanentResidenceAnswer }) permanentResidence: PermanentResidenceAnswer;
}

export class ResidentPageAnswer {
  @ApiProperty({ type: [ResidentAnswer] }) items: ResidentAnswer[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PopulationAnswer {
  @ApiProperty({ example: '001' }) provinceCode: string;
  @ApiProperty({ example: '2025-01-01' }) date: string;
  @ApiProperty({ example: 8_400_000 }) population: number;
}

class MonthAnswer {
  @ApiProperty({ example: '2024-03' }) month: string;
  @ApiProperty() births: number;
  @ApiProperty() deaths: number;
}

export class BirthsAndDeathsAnswer {
  @ApiProperty({ example: '001' }) provinceCode: string;
  @ApiProperty({ example: '2024-01' }) from: string;
  @ApiProperty({ example: '2024-12' }) to: string;
  @ApiProperty({ description: 'The instant the answer is as known at: ask again with it to reproduce it' })
  knownAt: string;
  @ApiProperty({ type: [MonthAnswer] }) months: MonthAnswer[];
}

class LagAnswer {
  @ApiProperty({ description: 'Events not yet projected' }) events: number;
  @ApiProperty({ description: 'How long the oldest has waited' }) seconds: number;
}

class ProjectionAnswer {
  @ApiProperty({ example: 'citizens' }) name: string;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty() processed: number;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: LagAnswer }) lag: LagAnswer;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'A rebuild in progress' })
  rebuild: object | null;
}

export class ProjectionsAnswer {
  @ApiProperty({ type: LagAnswer }) lag: LagAnswer;
  @ApiProperty({ type: [ProjectionAnswer] }) projections: ProjectionAnswer[];
}

export class CorrectionAnswer {
  @ApiProperty({ example: 2 }) revision: number;
  @ApiProperty({ example: '001224001234', description: 'The new PIN when the correction re-established it' })
  pin: string;
}
