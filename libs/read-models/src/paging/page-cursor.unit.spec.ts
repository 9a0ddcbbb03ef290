import { cursorAfter, InvalidCursor, pageOf, pinAfterCursor } from './page-cursor';

describe('page cursors', () => {
  it('carry the last PIN of a page, opaquely', () => {
    const cursor = cursorAfter('001224000042');
    expect(cursor).not.toContain('001224000042');
    expect(pinAfterCursor(cursor)).toBe('001224000042');
  });

  it('refuse what the registry did not give out', () => {
    for (const forged of [
      '',
      'abc',
      Buffer.from('{"after":"1; DROP"}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      expect(() => pinAfterCursor(forged)).toThrow(InvalidCursor);
    }
  });

  it('a page of one row more than the limit has a next page', () => {
    const rows = [{ pin: '001224000001' }, { pin: '001224000002' }, { pin: '001224000003' }];
    expect(pageOf(rows, 2, (r) => r.pin)).toEqual({ items: rows.slice(0, 2), nextCursor: cursorAfter('001224000002') });
    expect(pageOf(rows, 3, (r) => r.pin)).toEqual({ items: rows, nextCursor: null });
  });
});
