import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { fieldProblems, HttpProblem, registryValidationPipe, type FieldProblem } from '@registry/platform';
import { nestedObjectProblems } from '@registry/platform/http/nested-objects';
import { cleanRequestText, queryTextProblems } from '@registry/platform/http/request-text';
import { ValidationPlans } from '@registry/platform/http/validation-plans';
import { RegisterBirthDto } from '../births/register-birth.dto';
import { CorrectionDto } from '../corrections/correction.dto';
import { DeathAnnulmentDto } from '../deaths/death-annulment.dto';
import { DeathDto } from '../deaths/death.dto';
import { DivorceDto, MarriageDto } from '../marriages/marriage.dto';
import { NameChangeDto } from '../name-changes/name-change.dto';
import { CitizenSearchQuery, PopulationQuery, ResidentsQuery } from '../queries/query.dto';
import {
  PermanentResidenceDto,
  ResidenceCancellationDto,
  TemporaryResidenceDto,
  TemporaryResidenceEndDto,
} from '../residences/residence.dto';
import { birthApplication } from '../test-support/birth-application';
import { mutatedBody, seededRandom, type Json } from './test-support/json-fuzz';

const CASES = Number(process.env.FUZZ_CASES ?? 150);
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
const address = { provinceCode: '001', communeCode: '00004', line: '12 Phố Huế' };

/** Every request shape the global pipe validates, each with a valid example to mutate. */
const SHAPES: [string, new () => object, Json][] = [
  ['birth', RegisterBirthDto, { ...birthApplication({ permanentResidence: address }), motherPin: '001190012345' }],
  ['birth of twins', RegisterBirthDto, birthApplication({ confirmedDistinctFrom: ['001224000001', '001224000002'] })],
  ['permanent residence', PermanentResidenceDto, { address, effectiveDate: '2020-06-01' }],
  ['temporary residence', TemporaryResidenceDto, { address, from: '2024-06-01', until: '2025-06-01' }],
  ['temporary residence end', TemporaryResidenceEndDto, { effectiveDate: '2024-09-01', reason: 'Moved' }],
  ['cancellation', ResidenceCancellationDto, { reason: 'moved_abroad', effectiveDate: '2024-07-01', note: 'x' }],
  ['death', DeathDto, { dateOfDeath: '2024-05-01', placeOfDeath: { provinceCode: '001' }, certificateNumber: 'K' }],
  ['death annulment', DeathAnnulmentDto, { reason: 'Registered in error', legalBasis: 'Decision 1' }],
  ['correction', CorrectionDto, { field: 'name', value: { familyName: 'Lê' }, reason: 'r', legalBasis: 'b' }],
  [
    'name change',
    NameChangeDto,
    { name: { familyName: 'Lê', givenName: 'Hoa' }, effectiveDate: '2020-01-10', reason: 'r' },
  ],
  [
    'marriage',
    MarriageDto,
    { spouses: ['079190012345', '079092054321'], date: '2024-05-20', registrationProvinceCode: '079' },
  ],
  ['divorce', DivorceDto, { date: '2025-03-01', courtDecision: 'Decision 7' }],
  ['search (inherited page fields)', CitizenSearchQuery, { name: 'nguyen van', limit: '10', cursor: 'abc' }],
  ['residents', ResidentsQuery, { date: '2024-01-01', limit: '5' }],
  ['population', PopulationQuery, { provinceCode: '079', date: '2024-01-01' }],
];

/**
 * ValidationPlans answers "no error" exactly when class-validator does, for every request shape
 * of the API and thousands of mutated bodies (wrong types, missing and unknown fields, nulls,
 * arrays for objects, prototype keys, deep nesting): the fast path never lets through a body
 * class-validator refuses, and is taken for every body it accepts.
 */
describe('validation plans agree with class-validator', () => {
  const plans = new ValidationPlans();

  it.each(SHAPES)('%s', async (_, shape, valid) => {
    const random = seededRandom(20261130);
    let accepted = 0;
    const disagreements: unknown[] = [];
    for (const body of [valid, ...Array.from({ length: CASES }, () => parsed(mutatedBody(valid, random)))]) {
      if (body === undefined) continue;
      const problems: FieldProblem[] = [];
      const entity = instanceOf(shape, cleanRequestText(body, problems));
      if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) continue;
      const errors = await validate(entity, OPTIONS);
      const fast = plans.accepts(entity);
      if (fast !== (errors.length === 0)) disagreements.push({ body, fast, errors: errors.length });
      if (fast) accepted++;
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
  });

  it.each(SHAPES)('the pipe answers %s bodies as it did before the plans', async (_, shape, valid) => {
    const random = seededRandom(7);
    const pipe = registryValidationPipe();
    const before = new PipeBeforePlans();
    const metadata: ArgumentMetadata = { type: shape.name.endsWith('Query') ? 'query' : 'body', metatype: shape };
    const outcome = (pending: Promise<unknown>) =>
      pending.then(
        (instance) => ({ instance, type: (instance as object).constructor }),
        (error: unknown) => (error instanceof HttpProblem ? { ...error, message: error.message } : { thrown: error }),
      );
    for (const body of [valid, ...Array.from({ length: CASES }, () => parsed(mutatedBody(valid, random)))]) {
      if (body === undefined) continue;
      const expected = await outcome(before.transform(structuredClone(body), metadata));
      expect(await outcome(pipe.transform(structuredClone(body), metadata))).toStrictEqual(expected);
    }
  });

  it('the pipe answers a valid birth with the DTO instance, and refuses as class-validator words it', async () => {
    const pipe = registryValidationPipe();
    const metadata = { type: 'body' as const, metatype: RegisterBirthDto };
    const birth = await pipe.transform(birthApplication({ permanentResidence: address }), metadata);
    expect(birth).toBeInstanceOf(RegisterBirthDto);
    expect(birth).toMatchObject({ child: { placeOfBirth: { provinceCode: '001' } }, permanentResidence: address });
    const refused = await pipe
      .transform(birthApplication({ registrationProvinceCode: '1', extra: true }), metadata)
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'extra', problems: ['property extra should not exist'] },
        { field: 'registrationProvinceCode', problems: ['registrationProvinceCode must be 3 digits'] },
      ],
    });
  });
});

/** The registry's pipe as it was before ValidationPlans (ADR 0072): the oracle of the test above. */
class PipeBeforePlans extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) =>
        new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', fieldProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') {
      const problems = queryTextProblems(value);
      if (problems.length > 0) throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', problems);
      return super.transform(value, metadata);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', [
        { field: 'body', problems: ['the request body must be a JSON object'] },
      ]);
    }
    const problems: FieldProblem[] = [];
    const clean = cleanRequestText(value, problems);
    if (problems.length > 0) throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', problems);
    const instance: unknown = await super.transform(clean, metadata);
    const missing = nestedObjectProblems(instance);
    if (missing.length > 0) throw new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', missing);
    return instance;
  }
}

/** As ValidationPipe builds it; undefined for what it refuses before (prototype keys it strips first). */
function instanceOf(shape: new () => object, body: unknown): object | undefined {
  try {
    return plainToInstance(shape, body) as object;
  } catch {
    return undefined;
  }
}

function parsed(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}
