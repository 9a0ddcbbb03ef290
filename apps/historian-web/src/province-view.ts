import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { problem } from './citizen-view';
import { byId, el, vi } from './dom';
import { dateSeconds, instantForPeople, MAX_POINTS, sampleDates, today } from './dates';
import { codeAnsweringFor, mergedInto, PROVINCES, provinceName } from './provinces';
import { getJson, type Session } from './registry-client';

interface PopulationAnswer {
  provinceCode: string;
  date: string;
  population: number;
}

/** One date of the chart: the code it was asked under, and the two answers. */
export interface PopulationPoint {
  date: string;
  code: string;
  now: number;
  knownAt: number | null;
}

const PEOPLE_TICKS = [1, 2, 5]
  .flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p))
  .sort((a, b) => a - b);

/** Requests in flight at once: enough to fill a chart quickly without crowding the API. */
const PARALLEL_REQUESTS = 4;

/**
 * The province view: population on each date of a range as known now, and a second line as
 * known at an earlier instant (GET /v1/statistics/population), as a uPlot line chart and a table.
 */
export class ProvinceView {
  private chart: uPlot | undefined;
  private readonly status = byId<HTMLParagraphElement>('province-status');

  constructor(private readonly session: () => Session | undefined) {
    const select = byId<HTMLSelectElement>('province');
    select.replaceChildren(
      ...[...PROVINCES]
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((p) =>
          el('option', { value: p.code, lang: 'vi' }, `${p.code} ${p.name}${p.validTo ? ` (to ${p.validTo})` : ''}`),
        ),
    );
    byId<HTMLInputElement>('from').value = `${Number(today().slice(0, 4)) - 10}-01-01`;
    byId<HTMLInputElement>('to').value = today();
    byId<HTMLFormElement>('province-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.plot();
    });
  }

  async plot(): Promise<void> {
    const session = this.session();
    if (!session) return this.say('Sign in with a token first.');
    const code = byId<HTMLSelectElement>('province').value;
    const from = byId<HTMLInputElement>('from').value;
    const to = byId<HTMLInputElement>('to').value;
    const knownAtText = byId<HTMLInputElement>('province-known-at').value.trim();
    const knownAt = knownAtText ? new Date(knownAtText) : undefined;
    if (knownAt && Number.isNaN(knownAt.getTime()))
      return this.say('“As known at” must be an instant like 2025-01-01T00:00:00Z.');
    const dates = sampleDates(from, to, Number(byId<HTMLSelectElement>('step').value));
    if (dates.length === 0) return this.say('“To” must not be before “From”.');
    this.say(`Asking for ${dates.length} dates…`);
    this.describeMergers(code, from, to);
    try {
      const points = await populationPoints(session, code, dates, knownAt?.toISOString());
      this.show(code, points, knownAt?.toISOString());
      const cut = dates.length === MAX_POINTS ? ` (the first ${MAX_POINTS} dates: choose a longer step)` : '';
      this.say(`${points.length} dates plotted${cut}.`);
    } catch (error) {
      this.say(problem(error));
    }
  }

  private describeMergers(code: string, from: string, to: string): void {
    const note = byId('province-note');
    const successor = codeAnsweringFor(code, to);
    const merged = mergedInto(code);
    const parts: Array<Node | string> = [];
    if (successor !== code)
      parts.push(
        vi(provinceName(code)),
        ` merged on ${nextDay(PROVINCES.find((p) => p.code === code)!.validTo!)}: later dates count it within `,
        vi(`${successor} ${provinceName(successor)}`),
        '. ',
      );
    if (merged.length > 0 && to >= nextDay(merged[0].validTo!) && from <= to)
      parts.push(
        `From ${nextDay(merged[0].validTo!)} this count includes `,
        vi(merged.map((p) => `${p.code} ${p.name}`).join(', ')),
        '.',
      );
    note.replaceChildren(...parts);
  }

  private show(code: string, points: PopulationPoint[], knownAt: string | undefined): void {
    byId('province-figure').hidden = false;
    const knownAtLabel = knownAt ? `As known at ${instantForPeople(knownAt)}` : 'As known at (not asked)';
    byId('known-at-column').textContent = knownAtLabel;
    const caption = `Population of ${code} ${provinceName(code)} on each date (people alive with a permanent residence there)`;
    byId('population-table-caption').textContent = caption;
    byId('population-chart').setAttribute(
      'aria-label',
      `Line chart: ${caption}, ${knownAtLabel.toLowerCase()} and now; the table below lists the values`,
    );
    byId('population-table')
      .querySelector('tbody')!
      .replaceChildren(
        ...points.map((p) =>
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, p.date),
            el('td', {}, vi(`${p.code} ${provinceName(p.code)}`)),
            el('td', { 'data-series': 'now' }, String(p.now)),
            el('td', { 'data-series': 'known-at' }, p.knownAt === null ? '—' : String(p.knownAt)),
          ),
        ),
      );
    this.drawChart(points, knownAtLabel);
  }

  private drawChart(points: PopulationPoint[], knownAtLabel: string): void {
    this.chart?.destroy();
    const container = byId('population-chart');
    const data: uPlot.AlignedData = [
      points.map((p) => dateSeconds(p.date)),
      points.map((p) => p.now),
      points.map((p) => p.knownAt),
    ];
    const count = (_: uPlot, value: number | null) => (value === null ? '—' : String(value));
    this.chart = new uPlot(
      {
        width: Math.max(container.clientWidth, 320),
        height: 320,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, min, max) => [0, Math.max(max * 1.1, min + 1)] } },
        series: [
          { label: 'Date', value: '{YYYY}-{MM}-{DD}' },
          { label: 'As known now', stroke: '#1f4e9c', width: 2, value: count, points: { show: true } },
          { label: knownAtLabel, stroke: '#a3361a', width: 2, dash: [8, 4], value: count, points: { show: true } },
        ],
        // People come whole: ticks on integers only, written without a locale's separators.
        axes: [{}, { label: 'people', size: 70, incrs: PEOPLE_TICKS, values: (_u, ticks) => ticks.map(String) }],
      },
      data,
      container,
    );
  }

  private say(text: string): void {
    this.status.textContent = text;
  }
}

/** Both lines' answers for every date, asked under the code that answers for that date. */
async function populationPoints(
  session: Session,
  code: string,
  dates: string[],
  knownAt: string | undefined,
): Promise<PopulationPoint[]> {
  const ask = (date: string, at: string | undefined) =>
    getJson<PopulationAnswer>(session, '/v1/statistics/population', {
      provinceCode: codeAnsweringFor(code, date),
      date,
      knownAt: at,
    });
  const points: PopulationPoint[] = new Array(dates.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < dates.length; i = next++) {
      const date = dates[i];
      const [now, then] = await Promise.all([ask(date, undefined), knownAt ? ask(date, knownAt) : undefined]);
      points[i] = { date, code: now.provinceCode, now: now.population, knownAt: then?.population ?? null };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, dates.length) }, worker));
  return points;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
