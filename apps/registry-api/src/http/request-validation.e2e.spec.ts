import { connect } from 'node:net';
import { ApiHarness, birthApplication } from '../test-support/api-harness';

/**
 * Issue 10 item 1: every malformed request answers 400 (or the HTTP layer's own 413/415/431) in
 * the API.md error shape, and records nothing; names are stored trimmed and in NFC.
 */
describe('validation of every request', () => {
  let api: ApiHarness;
  let pin: string;
  beforeAll(async () => {
    api = await ApiHarness.start();
    pin = (await api.call('POST', '/v1/births', { body: birthApplication({}, { dateOfBirth: '1990-01-01' }) })).body
      .pin;
  });
  afterAll(() => api.stop());

  const errorShape = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Array) } });

  async function refused(status: number, code: string, send: () => Promise<{ status: number; body: any }>) {
    const before = await api.eventsWritten();
    const answer = await send();
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: errorShape(code) });
    expect(await api.eventsWritten()).toBe(before);
    return answer.body.error.details as { field: string }[];
  }
  const birth = (body: unknown) => () => api.call('POST', '/v1/births', { body });
  const fieldsOf = (details: { field: string }[]) => details.map((d) => d.field);

  describe('required nested objects', () => {
    it.each([
      ['child missing', { registrationProvinceCode: '001' }, 'child'],
      ['child null', { ...birthApplication(), child: null }, 'child'],
      ['child an empty array', { ...birthApplication(), child: [] }, 'child'],
      ['child an array of a valid child', { ...birthApplication(), child: [birthApplication().child] }, 'child'],
      ['child a string', { ...birthApplication(), child: 'An' }, 'child'],
      ['child.placeOfBirth missing', birthApplication({}, { placeOfBirth: undefined }), 'child.placeOfBirth'],
      ['child.placeOfBirth an array', birthApplication({}, { placeOfBirth: [] }), 'child.placeOfBirth'],
    ])('%s: 400 naming %s', async (_, body, field) => {
      expect(fieldsOf(await refused(400, 'VALIDATION_FAILED', birth(body)))).toContain(field);
    });

    it('address, placeOfDeath and name are required on the other writes', async () => {
      const residence = () =>
        api.call('POST', `/v1/citizens/${pin}/permanent-residence`, { body: { effectiveDate: '2020-01-01' } });
      expect(fieldsOf(await refused(400, 'VALIDATION_FAILED', residence))).toContain('address');
      const death = () =>
        api.call('POST', `/v1/citizens/${pin}/death`, {
          body: { dateOfDeath: '2020-01-01', certificateNumber: 'KT-1', placeOfDeath: [] },
        });
      expect(fieldsOf(await refused(400, 'VALIDATION_FAILED', death))).toContain('placeOfDeath');
      const rename = () =>
        api.call('POST', `/v1/citizens/${pin}/name-changes`, {
          body: { effectiveDate: '2020-01-01', reason: 'decision', name: null },
        });
      expect(fieldsOf(await refused(400, 'VALIDATION_FAILED', rename))).toContain('name');
    });

    it('a body that is not an object', async () => {
      for (const rawBody of ['[]', '"birth"', '42', 'null']) {
        await refused(400, 'VALIDATION_FAILED', () => api.call('POST', '/v1/births', { rawBody }));
      }
    });
  });

  describe('text', () => {
    it.each([
      ['NUL', 'An\u0000'],
      ['a control character', 'An\u0007'],
      ['a C1 control character', 'An\u0085'],
      ['a lone high surrogate', 'An\ud800'],
      ['a lone low surrogate', '\udc00An'],
      ['only blanks', '   '],
      ['empty', ''],
    ])('a name with %s: 400 naming the field', async (_, givenName) => {
      const details = await refused(400, 'VALIDATION_FAILED', birth(birthApplication({}, { givenName })));
      expect(fieldsOf(details)).toEqual(['child.givenName']);
    });

    it('a lone surrogate written as a JSON escape is refused too', async () => {
      const rawBody = JSON.stringify(birthApplication()).replace('"An"', '"\\ud83d"');
      await refused(400, 'VALIDATION_FAILED', () => api.call('POST', '/v1/births', { rawBody }));
    });

    it('names are stored trimmed and normalised to NFC', async () => {
      const decomposed = 'Nguye\u0302\u0303n'; // "Nguyễn" with combining marks
      const answer = await api.call('POST', '/v1/births', {
        body: birthApplication({}, { familyName: `  ${decomposed} `, givenName: ' An\u00a0' }),
      });
      expect(answer.status).toBe(201);
      const [event] = await api.streamEvents(answer.body.pin);
      expect((event.data as { name: unknown }).name).toEqual({
        familyName: 'Nguyễn',
        middleName: 'Văn',
        givenName: 'An',
      });
      expect((event.data as { name: { familyName: string } }).name.familyName).toBe('Nguyễn'.normalize('NFC'));
    });
  });

  describe('the HTTP layer', () => {
    it('JSON nested deeper than any request shape: 400 before parsing', async () => {
      const deep = `{"child":${'['.repeat(3000)}${']'.repeat(3000)}}`;
      await refused(400, 'VALIDATION_FAILED', () => api.call('POST', '/v1/births', { rawBody: deep }));
      const brackets = `{"child":{"familyName":"${'['.repeat(50)}"}}`; // brackets inside a string do not count
      const details = await refused(400, 'VALIDATION_FAILED', () =>
        api.call('POST', '/v1/births', { rawBody: brackets }),
      );
      expect(fieldsOf(details)).toContain('registrationProvinceCode');
    });

    it('prototype keys: 400', async () => {
      const rawBody = JSON.stringify(birthApplication()).replace('{', '{"__proto__":{"admin":true},');
      await refused(400, 'VALIDATION_FAILED', () => api.call('POST', '/v1/births', { rawBody }));
      const constructor = JSON.stringify(birthApplication()).replace('{', '{"constructor":{"prototype":{"x":1}},');
      await refused(400, 'VALIDATION_FAILED', () => api.call('POST', '/v1/births', { rawBody: constructor }));
    });

    async function inject(headers: Record<string, string>, payload: string | Buffer, url = '/v1/births') {
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${api.token()}`, ...headers },
        payload,
      });
      return { status: response.statusCode, body: response.json() };
    }

    it('413 PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE and an unsupported charset, in the error shape', async () => {
      const huge = JSON.stringify(birthApplication({}, { familyName: 'x'.repeat(300 * 1024) }));
      await refused(413, 'PAYLOAD_TOO_LARGE', () => inject({ 'content-type': 'application/json' }, huge));
      const body = JSON.stringify(birthApplication());
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () => inject({ 'content-type': type }, body));
      }
      await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
        inject({ 'content-type': 'application/json; charset=latin1' }, Buffer.from(body, 'latin1')),
      );
      const utf8 = await inject({ 'content-type': 'application/json; charset=UTF-8' }, body);
      expect(utf8.status).toBe(201);
    });

    it('a query string that is not valid percent-encoded UTF-8: 400 in the error shape', async () => {
      for (const query of ['name=%E0%A4%A', 'name=%ZZ', 'name=%C3%28']) {
        const answer = await api.call('GET', `/v1/citizens?${query}`);
        expect({ status: answer.status, body: answer.body }).toEqual({
          status: 400,
          body: errorShape('VALIDATION_FAILED'),
        });
      }
      const control = await api.call('GET', '/v1/citizens?name=%00An');
      expect(control.status).toBe(400);
    });

    it('a malformed path: 400 in the error shape', async () => {
      const answer = await api.call('GET', '/v1/citizens/%E0%A4%A');
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(errorShape('VALIDATION_FAILED'));
    });

    it('431 for headers too large, over a real socket, in the error shape', async () => {
      await api.app.listen(0, '127.0.0.1');
      const { port } = api.app.getHttpServer().address() as { port: number };
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', (error) => (text ? resolve(text) : reject(error)));
      });
      expect(raw).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: [] },
      });
    });
  });
});
