import { createServer, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { isRehearsal, markRehearsal } from './rehearsal-marker';
import { sameSettings } from './request-rehearsal';

/**
 * The rehearsal warms the code clients' requests run only if its requests and sockets have the
 * shapes clients' have (ADR 0161): the mark adds nothing to the request, and the loopback server
 * has the public server's settings.
 */
describe('rehearsal requests shaped as clients’ requests', () => {
  it('marks a request without adding a property to it', () => {
    const rehearsed = new IncomingMessage(new Socket());
    const client = new IncomingMessage(new Socket());
    const ownKeys = (request: IncomingMessage) => Reflect.ownKeys(request).map(String);
    const before = ownKeys(rehearsed);
    markRehearsal(rehearsed);
    expect(ownKeys(rehearsed)).toEqual(before);
    expect(ownKeys(rehearsed)).toEqual(ownKeys(client));
    expect(isRehearsal(rehearsed)).toBe(true);
    expect(isRehearsal(client)).toBe(false);
  });

  it('gives the loopback server the public server’s timeouts and limits', () => {
    const publicServer = createServer();
    publicServer.keepAliveTimeout = 72_000;
    publicServer.requestTimeout = 30_000;
    publicServer.headersTimeout = 20_000;
    publicServer.maxRequestsPerSocket = 100;
    publicServer.maxHeadersCount = 50;
    publicServer.setTimeout(30_000);
    const loopback = createServer();
    sameSettings(loopback, publicServer);
    const settings = (server: typeof publicServer) => [
      server.keepAliveTimeout,
      server.requestTimeout,
      server.headersTimeout,
      server.maxRequestsPerSocket,
      server.maxHeadersCount,
      server.timeout,
    ];
    expect(settings(loopback)).toEqual([72_000, 30_000, 20_000, 100, 50, 30_000]);
  });
});
