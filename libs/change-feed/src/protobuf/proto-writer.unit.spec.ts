import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { ProtoWriter, Wire } from './proto-writer';

describe('ProtoWriter strings', () => {
  // Short ASCII strings take a byte-by-byte path; longer or non-ASCII ones Buffer's UTF-8 encoder.
  const strings = [
    '',
    'a',
    '001224000001',
    'x'.repeat(127),
    'x'.repeat(128),
    'x'.repeat(300),
    'Nguyễn',
    `${'a'.repeat(126)}é`,
    'ascii first, then Bệnh viện Bạch Mai',
    '\u007f\u0080',
    '😀 outside the BMP',
  ];

  it.each(strings.map((value) => [value.length, value]))('writes %i characters as protobuf-es does', (_, value) => {
    const ours = new ProtoWriter().tag(1, Wire.LengthDelimited).string(value).tag(2, Wire.Varint).uint32(7).finish();
    const theirs = new BinaryWriter().tag(1, 2).string(value).tag(2, 0).uint32(7).finish();
    expect(ours.toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
  });
});
