import { tokenClaims, TokenRequestError } from './token-claims';

describe('development token claims (npm run token)', () => {
  it('an officer with an office', () => {
    expect(tokenClaims({ roles: ['officer'], office: '079', sub: 'alice' })).toEqual({
      sub: 'alice',
      roles: ['officer'],
      office: '079',
    });
  });

  it('an agency with its id', () => {
    expect(tokenClaims({ roles: ['agency'], agency: 'vss', sub: 'vss-sync' })).toEqual({
      sub: 'vss-sync',
      roles: ['agency'],
      agency: 'vss',
    });
  });

  it.each([
    [{ roles: ['bogus'], sub: 'x' }, 'unknown role bogus'],
    [{ roles: ['officer'], sub: 'x' }, 'an officer needs --office'],
    [{ roles: ['officer'], office: '79', sub: 'x' }, '--office must be a 3-digit province code'],
    [{ roles: ['historian', 'agency'], sub: 'x' }, 'an agency needs --agency'],
  ])('refuses %j', (request, message) => {
    expect(() => tokenClaims(request)).toThrow(TokenRequestError);
    expect(() => tokenClaims(request)).toThrow(message);
  });
});
