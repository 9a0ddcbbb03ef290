import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { caughtUp, headPosition } from '@registry/read-models/test-support/catch-up';
import { ApiHarness, birthApplication } from '../test-support/api-harness';
import { buildHistorianPage } from './test-support/build-page';
import { accessibilityViolations, HeadlessChromium } from './test-support/chromium';
import { eventually } from './test-support/eventually';

/** Where the run saves its screenshots (linked from the README). */
const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/**
 * The historians' page in Debian's headless Chromium, served by the real API on a real socket:
 * citizens and populations seeded through the API, what the page shows checked against the API.
 */
describe('historians page (/app/)', () => {
  let api: ApiHarness;
  let browser: HeadlessChromium;
  let page: Page;
  let base: string;
  const officer = (office: string) => ({ token: api.token({ roles: ['officer'], office }) });

  beforeAll(async () => {
    await buildHistorianPage(); // before the API starts: it serves /app/ only when built
    api = await ApiHarness.start();
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await HeadlessChromium.launch();
    page = await browser.page();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });
  afterEach(() => {
    expect(browser.errors).toEqual([]);
  });

  async function post(url: string, body: unknown, office = '001'): Promise<any> {
    const answer = await api.call('POST', url, { body, ...officer(office) });
    expect([200, 201]).toContain(answer.status);
    return answer.body;
  }

  async function signIn(): Promise<void> {
    await page.goto(`${base}/app/`);
    await page.getByLabel('Token').fill(api.token({ roles: ['historian'], sub: 'historian-e2e' } as never));
    await page.getByRole('button', { name: 'Use this token' }).click();
    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('roles: historian');
  }

  const field = (name: string) => page.locator(`#record dd[data-field="${name}"]`);
  const eventTypes = () => page.locator('#events li').evaluateAll((items) => items.map((li) => li.dataset.type));

  it('is served under /app/ without a token, and the API behind it still wants one', async () => {
    const html = await fetch(`${base}/app/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<label for="pin">PIN</label>');
    expect((await fetch(`${base}/v1/statistics/population?provinceCode=001`)).status).toBe(401);
  });

  it('shows a citizen along valid time, and "known at" before the correction brings the old value back', async () => {
    const { pin } = await post('/v1/births', {
      ...birthApplication({}, { familyName: 'Nguyễn', middleName: 'Thị', givenName: 'Ánh', sex: 'female' }),
      child: {
        ...birthApplication().child,
        familyName: 'Nguyễn',
        middleName: 'Thị',
        givenName: 'Ánh',
        sex: 'female',
        dateOfBirth: '1990-04-01',
      },
    });
    const home = { provinceCode: '001', line: '12 Phố Huế' };
    const later = { provinceCode: '001', line: '3 Hàng Bài' };
    await post(`/v1/citizens/${pin}/permanent-residence`, { address: home, effectiveDate: '2000-01-01' });
    await post(`/v1/citizens/${pin}/permanent-residence`, { address: later, effectiveDate: '2015-06-01' });
    await post(`/v1/citizens/${pin}/corrections`, {
      field: 'dateOfBirth',
      value: '1990-04-11',
      reason: 'Clerical error',
      legalBasis: 'Quyết định 12/QĐ',
    });

    await signIn();
    await page.getByLabel('PIN').fill(pin);
    await page.getByRole('button', { name: 'Show' }).click();

    // Now: every event, along valid time (the correction holds from the corrected birth date).
    await eventually(eventTypes, [
      'BirthRegistered',
      'RecordCorrected',
      'PermanentResidenceRegistered',
      'PermanentResidenceRegistered',
    ]);
    await eventually(() => field('dateOfBirth').textContent(), '1990-04-11');
    expect(await field('name').textContent()).toBe('Nguyễn Thị Ánh');
    expect(await field('permanentResidence').textContent()).toBe('3 Hàng Bài, Hà Nội, since 2015-06-01');
    expect(await page.locator('#events li[data-type="RecordCorrected"]').textContent()).toContain(
      '1990-04-01 → 1990-04-11',
    );
    expect(await page.locator('#events li').first().locator('time.valid').textContent()).toBe('1990-04-01');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'historian-citizen.png'), fullPage: true });

    // One step back with the keyboard: as known just before the correction was recorded.
    const slider = page.getByLabel('Known at', { exact: true });
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await eventually(() => field('dateOfBirth').textContent(), '1990-04-01');
    expect(await eventTypes()).toEqual([
      'BirthRegistered',
      'PermanentResidenceRegistered',
      'PermanentResidenceRegistered',
    ]);
    expect(await page.locator('#known-at-label').textContent()).toContain('after “Permanent residence” was recorded');
    await page.screenshot({ path: join(SCREENSHOTS, 'historian-citizen-before-correction.png'), fullPage: true });

    // Back to the first recording: only the birth was known, with no residence yet.
    await page.keyboard.press('Home');
    await eventually(eventTypes, ['BirthRegistered']);
    await eventually(() => field('permanentResidence').textContent(), '(none)');

    // Valid time: as known now, where did she live in 2010?
    await page.keyboard.press('End');
    await page.getByLabel('Valid on').fill('2010-01-01');
    await page.getByLabel('Valid on').dispatchEvent('change');
    await eventually(() => field('permanentResidence').textContent(), '12 Phố Huế, Hà Nội, since 2000-01-01');
    expect(await field('dateOfBirth').textContent()).toBe('1990-04-11');
  });

  it('links the PINs of a person whose PIN a correction re-established, and shows each as it was known', async () => {
    const { pin: oldPin } = await post('/v1/births', birthApplication({}, { sex: 'male', dateOfBirth: '1990-04-01' }));
    const { pin: newPin } = await post(`/v1/citizens/${oldPin}/corrections`, {
      field: 'sex',
      value: 'female',
      reason: 'Recorded wrongly at birth',
      legalBasis: 'Bản án 5/2025',
    });
    expect(newPin).not.toBe(oldPin);

    await signIn();
    await page.getByLabel('PIN').fill(newPin);
    await page.getByRole('button', { name: 'Show' }).click();
    await eventually(eventTypes, ['BirthRegistered', 'RecordCorrected', 'PinReestablished', 'CitizenContinued']);
    await eventually(() => field('sex').textContent(), 'female');
    expect(await field('pin').textContent()).toBe(newPin);

    // Before the correction the registry knew this person as a man under the old PIN.
    await page.getByLabel('Known at', { exact: true }).focus();
    await page.keyboard.press('Home');
    await eventually(() => field('sex').textContent(), 'male');
    expect(await field('pin').textContent()).toBe(oldPin);

    // The old PIN's link loads the same chain from the other end.
    await page.locator('#pin-chain').getByRole('link', { name: oldPin }).click();
    await eventually(() => page.getByLabel('PIN').inputValue(), oldPin);
    expect(page.url()).toContain(`#/citizen/${oldPin}`);
    await eventually(() => field('pin').textContent(), newPin);
    expect(await page.locator('#pin-chain').textContent()).toContain(`${oldPin} → ${newPin}`);
  });

  it("plots a merged province's population as known now and as known at an earlier instant", async () => {
    // Hải Dương (030) merged into Hải Phòng (031) on 2025-07-01; the 031 office serves both.
    const born = async (dateOfBirth: string) =>
      (
        await post(
          '/v1/births',
          birthApplication(
            { registrationProvinceCode: '031' },
            { dateOfBirth, placeOfBirth: { provinceCode: '031', detail: 'Bệnh viện Việt Tiệp' } },
          ),
          '031',
        )
      ).pin as string;
    const settle = (pin: string, provinceCode: string, effectiveDate: string) =>
      post(
        `/v1/citizens/${pin}/permanent-residence`,
        { address: { provinceCode, line: 'Phố Trần Hưng Đạo' }, effectiveDate },
        '031',
      );
    const first = await born('2018-01-10');
    const second = await born('2018-01-10');
    await settle(first, '030', '2019-01-01');
    await settle(second, '030', '2019-01-01');
    const knownAt = new Date().toISOString();
    // Recorded after `knownAt`: a third resident from 2019-06-01, and the first moving away in 2022.
    const third = await born('2018-02-01');
    await settle(third, '030', '2019-06-01');
    await post(
      `/v1/citizens/${first}/permanent-residence`,
      { address: { provinceCode: '001', line: '5 Lê Lợi' }, effectiveDate: '2022-03-01' },
      '001',
    );
    await caughtUp(api.pool, await headPosition(api.pool));

    await signIn();
    await page.getByRole('link', { name: 'Province' }).click();
    await page.getByLabel('Province', { exact: true }).selectOption('030');
    await page.getByLabel('From', { exact: true }).fill('2018-01-01');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01');
    await page.getByLabel('Every', { exact: true }).selectOption({ label: 'year' });
    await page.getByLabel('Second line: as known at (UTC instant)').fill(knownAt);
    await page.getByRole('button', { name: 'Plot' }).click();
    await eventually(() => page.locator('#population-table tbody tr').count(), 9);

    const rows = await page
      .locator('#population-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
    const asked = async (code: string, date: string, at?: string) => {
      const query = new URLSearchParams({ provinceCode: code, date, ...(at ? { knownAt: at } : {}) });
      const answer = await api.call('GET', `/v1/statistics/population?${query}`, {
        token: api.token({ roles: ['historian'] }),
      });
      expect(answer.status).toBe(200);
      return answer.body.population as number;
    };
    const byDate = new Map<string, { now: number; then: number }>();
    for (const [date, countedUnder, now, then] of rows) {
      const code = countedUnder.slice(0, 3);
      // Under its own code up to 2025-06-30, within its successor from 2025-07-01.
      expect(code).toBe(date < '2025-07-01' ? '030' : '031');
      expect(Number(now)).toBe(await asked(code, date));
      expect(Number(then)).toBe(await asked(code, date, knownAt));
      byDate.set(date, { now: Number(now), then: Number(then) });
    }
    // The two lines differ by exactly what was recorded after `knownAt`.
    expect(byDate.get('2020-01-01')!.now - byDate.get('2020-01-01')!.then).toBe(1);
    expect(byDate.get('2023-01-01')!.now - byDate.get('2023-01-01')!.then).toBe(0);
    expect(byDate.get('2020-01-01')!.now).toBeGreaterThanOrEqual(3);

    // The chart plots the same values: its legend, with the cursor on the last date.
    const plot = page.locator('#population-chart .u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    const legend = page.locator('#population-chart .u-legend .u-series .u-value');
    const last = byDate.get('2026-01-01')!;
    await eventually(() => legend.allTextContents(), ['2026-01-01', String(last.now), String(last.then)]);
    expect(await page.locator('#province-note').textContent()).toContain('Hải Phòng');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'historian-province.png'), fullPage: true });
  });
});
