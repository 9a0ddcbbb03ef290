import { mulberry32 } from '@registry/read-models/test-support/seed-citizens';

/** Seeded mutations of a valid JSON body, for the write fuzz test: same seed, same bodies. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A seedable PRNG (Math.random cannot be seeded): the seeder's. */
export const seededRandom = mulberry32;

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const WRONG_VALUES: readonly Json[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -0,
  true,
  false,
  '',
  ' ',
  '\t',
  'x',
  '0',
  '001',
  '2024-02-30',
  '9999-99-99',
  '2024-13-01',
  '1899-12-31',
  '2999-01-01',
  'male',
  'deceased',
  '001224000001',
  '💥',
  'ـ‮',
  [],
  {},
  [null],
  [[]],
  { a: 1 },
];
const BAD_TEXTS: readonly string[] = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udfff',
  '\r\n',
  '\u200b',
  '\ufeff',
  '\u202e',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** A body with 1 to 3 random mutations; sometimes raw text instead of a value. */
export function mutatedBody(base: Json, random: Random): string {
  let body = structuredClone(base);
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) body = mutate(body, random);
  const text = JSON.stringify(body);
  return random() < 0.08 ? rawMutation(text, random) : text;
}

function mutate(root: Json, random: Random): Json {
  const paths = pathsOf(root);
  const path = pick(random, paths);
  const current = valueAt(root, path);
  const replace = (value: Json) => replaceAt(root, path, value);
  switch (Math.floor(random() * 10)) {
    case 0:
      return path.length === 0 ? {} : deleteAt(root, path);
    case 1:
      // A copy: a later mutation may change the value in place (a shared {} would grow run after run).
      return replace(structuredClone(pick(random, WRONG_VALUES)));
    case 2:
      return replace(
        // A text already repeated is not repeated again: two or three such mutations would not fit in a string.
        typeof current === 'string' && current.length <= 1000
          ? current.repeat(2 + Math.floor(random() * 2000))
          : 'A'.repeat(200_000),
      );
    case 3: {
      const text = typeof current === 'string' ? current : 'An';
      const at = Math.floor(random() * (text.length + 1));
      return replace(text.slice(0, at) + pick(random, BAD_TEXTS) + text.slice(at));
    }
    case 4: {
      let nested: Json = current;
      const depth = 2 + Math.floor(random() * 60);
      for (let d = 0; d < depth; d++) nested = random() < 0.5 ? [nested] : { x: nested };
      return replace(nested);
    }
    case 5:
      return replace(withKey(current, pick(random, PROTOTYPE_KEYS), { polluted: true }));
    case 6:
      return replace(withKey(current, pick(random, ['extra', 'pin', 'revision', 'Child', '']), 'x'));
    case 7:
      return replace(Array.isArray(current) ? current : [current]);
    case 8:
      return replace(
        typeof current === 'number' ? String(current) : typeof current === 'string' ? Number(current) || 7 : current,
      );
    default:
      return replace(pick(random, [' padded ', 'Nguye\u0302\u0303n', '   ', 'a'.repeat(101), '😀'.repeat(60)]));
  }
}

/** Syntax-level damage: truncation, trailing garbage, a byte-order mark, duplicate keys, odd numbers. */
function rawMutation(text: string, random: Random): string {
  switch (Math.floor(random() * 6)) {
    case 0:
      return text.slice(0, Math.floor(random() * text.length));
    case 1:
      return `${text}}`;
    case 2:
      return `\ufeff${text}`;
    case 3:
      return text.replace('{', '{"child":1,');
    case 4:
      return text.replace(/"[^"]*"/, '1e999');
    default:
      return '{'.repeat(5000);
  }
}

function withKey(value: Json, key: string, item: Json): Json {
  const object: Record<string, Json> =
    value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : { value };
  // defineProperty: an own "__proto__" key that JSON.stringify writes out, as an attacker would send it
  Object.defineProperty(object, key, { value: item, enumerable: true, configurable: true, writable: true });
  return object;
}

type Path = (string | number)[];

function pathsOf(value: Json, path: Path = []): Path[] {
  const own = [path];
  if (Array.isArray(value)) return [...own, ...value.flatMap((item, i) => pathsOf(item, [...path, i]))];
  if (value && typeof value === 'object') {
    return [...own, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  }
  return own;
}

function valueAt(root: Json, path: Path): Json {
  return path.reduce<Json>((value, key) => (value as Record<string | number, Json>)[key], root);
}

function replaceAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1]] = value;
  return root;
}

function deleteAt(root: Json, path: Path): Json {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, Json>)[key as string];
  return root;
}
