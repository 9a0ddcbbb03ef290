import { commandIdFor, eventIdFor } from './command-envelope';

describe('derived ids', () => {
  it('are the name-based UUIDs every earlier version derived (a retry, a re-import, finds its events)', () => {
    // Computed by the Buffer-based formatting used until ADR 0095.
    const commandId = commandIdFor('legacy-import', 'abc');
    expect(commandId).toBe('5d34e858-3c59-5211-ad0c-9732cb5d5fde');
    expect(eventIdFor(commandId, 0)).toBe('879449bc-6625-5912-81e5-f5fadbe2d0a1');
    expect(eventIdFor(commandId, 7)).toBe('d7222682-d976-5ea3-b208-acd15581413b');
  });

  it('carry version 5 and the RFC 4122 variant', () => {
    for (let i = 0; i < 200; i++) {
      expect(eventIdFor(commandIdFor('test', String(i)), i)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});
