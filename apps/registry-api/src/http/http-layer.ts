import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { codeOfStatus, errorBody, HttpProblem } from '@registry/platform';

/** Largest request body accepted (413 beyond). */
export const BODY_LIMIT = 256 * 1024;
/**
 * Deepest JSON nesting accepted (400 beyond). The deepest request shape is three levels (a birth's
 * child.placeOfBirth); anything far deeper is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 8;

/**
 * Fastify's options for refusals it makes before any route runs, so they too answer in the
 * API.md error shape: a malformed URL (frameworkErrors) and a request the HTTP parser refuses,
 * such as headers too large (clientErrorHandler: 431, 400, 408).
 */
export function httpLayerOptions(): FastifyServerOptions {
  return {
    bodyLimit: BODY_LIMIT,
    frameworkErrors: (error, _request, reply) => {
      const answer = reply as unknown as FastifyReply;
      void answer.status(400).send(errorBody('VALIDATION_FAILED', 'The URL is not valid', [{ reason: error.message }]));
    },
    clientErrorHandler: answerClientError,
  };
}

function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(errorBody(codeOfStatus(status), 'The HTTP request could not be read'));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The JSON body parser of every endpoint: only UTF-8, nesting checked before parsing, prototype
 * keys refused (fastify's own parser does the parsing). Also refuses a query string that is not
 * valid percent-encoded UTF-8, before any route sees it.
 */
export function hardenHttpLayer(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers(); // JSON only: text/plain and the rest answer 415
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type']))?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      return done(
        new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `Request bodies must be UTF-8, not ${charset}`),
        undefined,
      );
    }
    const text = body.toString('utf8');
    if (exceedsDepth(text, MAX_JSON_DEPTH)) {
      return done(
        new HttpProblem(400, 'VALIDATION_FAILED', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
    }
    void parseJson(request as unknown as FastifyRequest, text, done);
  });
  // A callback hook: an async one costs a promise and its continuation on every request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const query = request.url.indexOf('?');
    if (query >= 0 && !isValidQueryString(request.url.slice(query + 1))) {
      return done(new HttpProblem(400, 'VALIDATION_FAILED', 'The query string is not valid percent-encoded UTF-8'));
    }
    done();
  });
}

/** True when brackets outside JSON strings nest deeper than `max` (a linear scan, no parsing). */
export function exceedsDepth(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function isValidQueryString(query: string): boolean {
  try {
    decodeURIComponent(query.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}
