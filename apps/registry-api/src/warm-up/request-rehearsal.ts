import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { PG_POOL, REGISTRY_CONFIG, TokenVerifier, type Principal, type RegistryConfig } from '@registry/platform';
import { AuditTrail } from '../audit/audit-trail';
import { markRehearsal } from './rehearsal-marker';

/** Requests in flight at once: enough for lookups to be merged as under load (MergedLookups). */
const CONNECTIONS = 16;
/** A PIN no citizen can have (province 000 does not exist): a birth naming her as mother is refused. */
const NOBODY = '000000000000';
/** Citizens whose records the lookups and searches read (read, never answered to anyone). */
const SAMPLE = 200;
const logger = new Logger('RequestRehearsal');

interface Rehearsed {
  readonly kind: 'lookup' | 'search' | 'birth';
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token: string;
  readonly body?: string;
}

/** How much to rehearse: whichever limit comes first ends it. */
export interface RehearsalLimits {
  readonly requests: number;
  readonly ms: number;
}

export interface RehearsalReport {
  /** Answers by kind and status, e.g. `lookup 200`. */
  readonly answers: Record<string, number>;
  /** The process's CPU per answer, in µs, for each WINDOW answers in turn: how far it warmed. */
  readonly cpuMicrosPerRequest: number[];
}

/** Answers per measure of the CPU per answer. */
const WINDOW = 1000;

/**
 * The hottest requests (a lookup, a name search, a birth), sent by the process to itself for
 * WARM_UP_MS before it listens, through Node's HTTP server, Fastify and Nest as any client's: V8
 * compiles and optimises their code, and each connection prepares their statements, before the
 * first client comes, instead of during its first seconds (ADR 0115).
 *
 * Nothing is written: lookups and searches read sampled citizens (their answers go nowhere), their
 * audit batches are built but not written (AuditTrail.rehearse), and a birth names a mother no one can
 * be (PARENT_NOT_FOUND, decided before any append). The token is random, known to this process
 * only, and forgotten afterwards; no rate limit counts these requests.
 */
@Injectable()
export class RequestRehearsal {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly tokens: TokenVerifier,
    private readonly audit: AuditTrail,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  /**
   * Runs until `limits` (WARM_UP_REQUESTS answers or WARM_UP_MS, by default): a count, since V8
   * optimises after so many calls, bounded in time, since a loaded machine answers fewer. A
   * failure only makes a slower start.
   */
  async run(limits: RehearsalLimits = this.config.warmUp): Promise<RehearsalReport> {
    if (limits.requests <= 0 || limits.ms <= 0) return { answers: {}, cpuMicrosPerRequest: [] };
    const started = performance.now();
    const historian = this.tokens.admitInProcess(principal('historian', null), limits.ms + 60_000);
    const officer = this.tokens.admitInProcess(principal('officer', '001'), limits.ms + 60_000);
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let server: Server | undefined;
    try {
      const requests = await this.requests(historian.token, officer.token);
      server = await this.privateServer();
      const port = (server.address() as AddressInfo).port;
      const deadline = started + limits.ms;
      const report = await this.audit.rehearse(() => drive(requests, port, agent, limits.requests, deadline));
      logger.log(summary(report, performance.now() - started));
      return report;
    } catch (error) {
      logger.warn(`rehearsal incomplete: ${(error as Error).message}`);
      return { answers: {}, cpuMicrosPerRequest: [] };
    } finally {
      agent.destroy();
      if (server) await closed(server);
      historian.forget();
      officer.forget();
    }
  }

  /**
   * A loopback server on a free port whose requests Fastify answers as the public one will, with
   * the public server's timeouts: they decide which properties its sockets and requests get, and
   * code optimised on other shapes would be thrown away at the first client (ADR 0161).
   */
  private async privateServer(): Promise<Server> {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    await fastify.ready();
    const server = createServer((request, response) => {
      markRehearsal(request);
      fastify.routing(request, response);
    });
    sameSettings(server, fastify.server);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** Lookups of sampled citizens (404s on an empty registry), searches of their names, refused births. */
  private async requests(historianToken: string, officerToken: string): Promise<Rehearsed[]> {
    const { rows } = await this.pool.query<{ pin: string; search_name: string }>(
      'SELECT pin, search_name FROM citizen_names LIMIT $1',
      [SAMPLE],
    );
    const citizens = rows.length > 0 ? rows : [{ pin: NOBODY, search_name: 'nguyen' }];
    const birth = JSON.stringify(refusedBirth());
    return citizens.flatMap(({ pin, search_name }): Rehearsed[] => [
      ...Array.from({ length: 6 }, () => ({
        kind: 'lookup' as const,
        method: 'GET' as const,
        path: `/v1/citizens/${pin}`,
        token: historianToken,
      })),
      {
        kind: 'search',
        method: 'GET',
        path: `/v1/citizens?name=${encodeURIComponent(search_name)}`,
        token: historianToken,
      },
      { kind: 'birth', method: 'POST', path: '/v1/births', token: officerToken, body: birth },
    ]);
  }
}

function principal(role: Principal['roles'][number], office: string | null): Principal {
  return { sub: 'registry-warm-up', roles: [role], office, agency: null };
}

/** A valid birth application whose mother does not exist: refused by the domain, nothing appended. */
function refusedBirth() {
  return {
    child: {
      familyName: 'Nguyễn',
      middleName: 'Văn',
      givenName: 'An',
      sex: 'male',
      dateOfBirth: '2024-03-05',
      placeOfBirth: { provinceCode: '001', detail: 'Bệnh viện Bạch Mai' },
      nationality: 'VN',
      ethnicity: 'Kinh',
    },
    motherPin: NOBODY,
    registrationProvinceCode: '001',
  };
}

/**
 * CONNECTIONS loops send the requests in turn until `count` are answered or `deadline`; every
 * request is answered before this resolves (AuditTrail.rehearse relies on it). A loop stops at its
 * first failed request.
 */
async function drive(
  requests: readonly Rehearsed[],
  port: number,
  agent: Agent,
  count: number,
  deadline: number,
): Promise<RehearsalReport> {
  const answers: Record<string, number> = {};
  const cpuMicrosPerRequest: number[] = [];
  let sent = 0;
  let answered = 0;
  let window = process.cpuUsage();
  const loop = async () => {
    while (sent < count && performance.now() < deadline) {
      const rehearsed = requests[sent++ % requests.length];
      const status = await send(rehearsed, port, agent);
      const answer = `${rehearsed.kind} ${status}`;
      answers[answer] = (answers[answer] ?? 0) + 1;
      if (++answered % WINDOW === 0) {
        const used = process.cpuUsage(window);
        cpuMicrosPerRequest.push(Math.round((used.user + used.system) / WINDOW));
        window = process.cpuUsage();
      }
    }
  };
  const loops = await Promise.allSettled(Array.from({ length: CONNECTIONS }, loop));
  const failed = loops.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return { answers, cpuMicrosPerRequest };
}

function summary({ answers, cpuMicrosPerRequest: cpu }: RehearsalReport, ms: number): string {
  const total = Object.values(answers).reduce((sum, n) => sum + n, 0);
  const kinds = Object.entries(answers)
    .map(([answer, n]) => `${answer}: ${n}`)
    .join(', ');
  const warming =
    cpu.length > 0 ? `; CPU per request ${cpu[0]} µs in the first ${WINDOW}, ${cpu.at(-1)} in the last` : '';
  return `rehearsed ${total} requests in ${ms.toFixed(0)} ms before listening (${kinds})${warming}`;
}

/** The settings Fastify gives its server (lib/server.js) and Node's own per-server limits. */
export function sameSettings(server: Server, as: Server): void {
  server.keepAliveTimeout = as.keepAliveTimeout;
  server.requestTimeout = as.requestTimeout;
  server.headersTimeout = as.headersTimeout;
  server.maxRequestsPerSocket = as.maxRequestsPerSocket;
  server.maxHeadersCount = as.maxHeadersCount;
  server.setTimeout(as.timeout);
}

function send(rehearsed: Rehearsed, port: number, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${rehearsed.token}` };
    if (rehearsed.body !== undefined) headers['content-type'] = 'application/json';
    const request = httpRequest(
      { host: '127.0.0.1', port, agent, method: rehearsed.method, path: rehearsed.path, headers },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0)).once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(rehearsed.body);
  });
}

function closed(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
