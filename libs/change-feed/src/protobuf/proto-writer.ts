/**
 * A protobuf binary writer for the relay's hot path: one reusable scratch buffer, lengths of
 * nested messages patched in place, output copied once into the Buffer that kafkajs sends.
 * protobuf-es's BinaryWriter allocates per fork and per finish, which made encoding the largest
 * cost of relaying. Only what registry.v1 messages need; the bytes are the standard encoding
 * (the unit tests compare them with protobuf-es's).
 */
export const Wire = { Varint: 0, Bit64: 1, LengthDelimited: 2, Bit32: 5 } as const;
export type Wire = (typeof Wire)[keyof typeof Wire];

export class ProtoWriter {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private position = 0;
  private readonly forks: number[] = [];

  reset(): this {
    this.position = 0;
    this.forks.length = 0;
    return this;
  }

  /** A copy of what was written (the scratch buffer is reused by the next message). */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.position);
    this.buffer.copy(out, 0, 0, this.position);
    return out;
  }

  /** What was written so far, without a copy: valid until the next reset() or write. */
  written(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  /** Bytes encoded elsewhere (an envelope shared by an event's agency records), as they are. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
    return this;
  }

  tag(fieldNo: number, wire: Wire): this {
    return this.uint32(((fieldNo << 3) | wire) >>> 0);
  }

  uint32(value: number): this {
    this.ensure(5);
    const buffer = this.buffer;
    let v = value >>> 0;
    while (v > 127) {
      buffer[this.position++] = (v & 127) | 128;
      v >>>= 7;
    }
    buffer[this.position++] = v;
    return this;
  }

  /** int32 and enums: negative values take ten bytes (sign-extended to 64 bits), as the spec says. */
  int32(value: number): this {
    return value >= 0 ? this.uint32(value) : this.uint64(BigInt.asUintN(64, BigInt(value)));
  }

  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  uint64(value: bigint): this {
    if (value <= 0xffffffffn) return this.uint32(Number(value));
    this.ensure(10);
    let v = value;
    while (v > 127n) {
      this.buffer[this.position++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.buffer[this.position++] = Number(v);
    return this;
  }

  int64(value: bigint): this {
    return this.uint64(BigInt.asUintN(64, value));
  }

  sint64(value: bigint): this {
    return this.uint64(BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)));
  }

  bool(value: boolean): this {
    return this.uint32(value ? 1 : 0);
  }

  fixed32(value: number): this {
    this.ensure(4);
    this.position = this.buffer.writeUInt32LE(value >>> 0, this.position);
    return this;
  }

  sfixed32(value: number): this {
    this.ensure(4);
    this.position = this.buffer.writeInt32LE(value | 0, this.position);
    return this;
  }

  fixed64(value: bigint): this {
    this.ensure(8);
    this.position = this.buffer.writeBigUInt64LE(BigInt.asUintN(64, value), this.position);
    return this;
  }

  sfixed64(value: bigint): this {
    this.ensure(8);
    this.position = this.buffer.writeBigInt64LE(BigInt.asIntN(64, value), this.position);
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.position = this.buffer.writeDoubleLE(value, this.position);
    return this;
  }

  float(value: number): this {
    this.ensure(4);
    this.position = this.buffer.writeFloatLE(value, this.position);
    return this;
  }

  string(value: string): this {
    // Most strings of an event (ids, types, PINs, dates, codes) are short ASCII: written byte by
    // byte here, which is several times cheaper than Buffer's UTF-8 encoder for a few bytes.
    const count = value.length;
    if (count < 128) {
      this.ensure(1 + count);
      const buffer = this.buffer;
      const start = this.position + 1;
      let i = 0;
      for (; i < count; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) break;
        buffer[start + i] = code;
      }
      if (i === count) {
        buffer[this.position] = count; // one byte of length: fewer than 128 bytes
        this.position = start + count;
        return this;
      }
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.uint32(length);
    this.ensure(length);
    this.position += this.buffer.write(value, this.position, length, 'utf8');
    return this;
  }

  /** Starts a length-delimited message; one byte is reserved for its length, the usual case. */
  fork(): this {
    this.ensure(1);
    this.forks.push(this.position);
    this.position += 1;
    return this;
  }

  join(): this {
    const start = this.forks.pop()!;
    const length = this.position - start - 1;
    if (length < 128) {
      this.buffer[start] = length;
      return this;
    }
    let size = 1;
    for (let rest = length >>> 7; rest > 0; rest >>>= 7) size += 1;
    this.ensure(size - 1);
    this.buffer.copy(this.buffer, start + size, start + 1, this.position);
    const end = this.position + size - 1;
    this.position = start;
    this.uint32(length);
    this.position = end;
    return this;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}
