import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { digest, securityHeaders } from './request-protection';

describe('security headers computed once', () => {
  it('are the headers helmet sets on a real response, CSP for the OpenAPI UI included', () => {
    const options = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } } };
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    helmet(options)(response.req, response, () => undefined);
    expect(securityHeaders(options)).toEqual(response.getHeaders());
    expect(securityHeaders()).toMatchObject({
      'content-security-policy': expect.stringMatching(/default-src 'self';.*script-src 'self' 'unsafe-inline'/),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
  });
});

describe('caller digest of the rate limit', () => {
  it('is the same for one header, differs between headers and never holds the token', () => {
    const first = digest('Bearer one.token.here');
    expect(digest('Bearer one.token.here')).toBe(first);
    expect(digest('Bearer another.token.here')).not.toBe(first);
    expect(first).toHaveLength(22);
    expect(first).not.toContain('token');
  });
});
