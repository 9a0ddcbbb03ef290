/**
 * Days off for public servants in Viet Nam (Labour Code 2019 Art. 112 and the yearly notices of
 * the Ministry of Home Affairs / Labour on Tết and swapped days). Lunar holidays move every year,
 * so they are data, not a rule. Add the next year when its notice is published; a year missing
 * here counts only weekends and the fixed solar holidays (1 Jan, 30 Apr, 1 May, 2 Sep).
 */
export const PUBLIC_HOLIDAYS: readonly string[] = [
  // 2024
  '2024-01-01',
  '2024-02-08',
  '2024-02-09',
  '2024-02-12',
  '2024-02-13',
  '2024-02-14', // Tết Giáp Thìn
  '2024-04-18', // Hùng Kings' commemoration (10/3 lunar)
  '2024-04-29',
  '2024-04-30',
  '2024-05-01',
  '2024-09-02',
  '2024-09-03',
  // 2025
  '2025-01-01',
  '2025-01-27',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31', // Tết Ất Tỵ
  '2025-04-07',
  '2025-04-30',
  '2025-05-01',
  '2025-05-02',
  '2025-09-01',
  '2025-09-02',
  // 2026
  '2026-01-01',
  '2026-01-02',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20', // Tết Bính Ngọ
  '2026-04-27', // Hùng Kings' day falls on Sunday 26 April: the next working day is off
  '2026-04-30',
  '2026-05-01',
  '2026-09-01',
  '2026-09-02',
  // 2027
  '2027-01-01',
  '2027-02-05',
  '2027-02-08',
  '2027-02-09',
  '2027-02-10',
  '2027-02-11', // Tết Đinh Mùi
  '2027-04-16',
  '2027-04-30',
  '2027-05-03',
  '2027-09-02',
  '2027-09-03',
];
