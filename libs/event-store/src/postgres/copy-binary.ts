const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_TO_32 = 2 ** 32;

/**
 * Rows in COPY's binary format (`COPY ... FROM STDIN (FORMAT binary)`), written into one
 * growing buffer. Against the text format, PostgreSQL reads each value by its length instead of
 * scanning every character for delimiters and escapes, and the writer escapes nothing. Values
 * must be written with the column's own type: text, bigint, uuid, jsonb.
 */
export class CopyBinary {
  private buffer: Buffer;
  private at = 0;

  constructor(capacity = 1 << 16) {
    // Not from Node's shared pool: the buffer can be handed to another thread (transferred).
    this.buffer = Buffer.allocUnsafeSlow(Math.max(capacity, 64));
    this.at = SIGNATURE.copy(this.buffer, 0);
    this.at = this.buffer.writeInt32BE(0, this.at); // flags
    this.at = this.buffer.writeInt32BE(0, this.at); // no header extension
  }

  /** Starts a row of `fields` values. */
  row(fields: number): this {
    this.reserve(2);
    this.at = this.buffer.writeInt16BE(fields, this.at);
    return this;
  }

  text(value: string): this {
    this.reserve(4 + value.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const bytes = this.buffer.write(value, this.at + 4, 'utf8');
    this.buffer.writeInt32BE(bytes, this.at);
    this.at += 4 + bytes;
    return this;
  }

  /** A jsonb value from JSON text (format version 1, then the text); returns the text's bytes. */
  jsonb(json: string): number {
    this.reserve(5 + json.length * 3);
    const bytes = this.buffer.write(json, this.at + 5, 'utf8');
    this.buffer.writeInt32BE(bytes + 1, this.at);
    this.buffer[this.at + 4] = 1;
    this.at += 5 + bytes;
    return bytes;
  }

  /** A bigint column from a safe integer. */
  bigint(value: number): this {
    this.reserve(12);
    const high = Math.floor(value / TWO_TO_32);
    this.at = this.buffer.writeInt32BE(8, this.at);
    this.at = this.buffer.writeInt32BE(high, this.at);
    this.at = this.buffer.writeUInt32BE(value - high * TWO_TO_32, this.at);
    return this;
  }

  /** A uuid column from its canonical text (8-4-4-4-12 hex digits, checked by the caller). */
  uuid(value: string): this {
    this.reserve(20);
    this.at = this.buffer.writeInt32BE(16, this.at);
    this.buffer.write(value.slice(0, 8), this.at, 'hex');
    this.buffer.write(value.slice(9, 13), this.at + 4, 'hex');
    this.buffer.write(value.slice(14, 18), this.at + 6, 'hex');
    this.buffer.write(value.slice(19, 23), this.at + 8, 'hex');
    this.buffer.write(value.slice(24, 36), this.at + 10, 'hex');
    this.at += 16;
    return this;
  }

  null(): this {
    this.reserve(4);
    this.at = this.buffer.writeInt32BE(-1, this.at);
    return this;
  }

  /** Bytes written so far (the signature and header included). */
  get length(): number {
    return this.at;
  }

  /** Bytes another writer wrote, as they are: whole rows of the same table (NewStreamsEncoder). */
  raw(source: Uint8Array, start: number, end: number): this {
    this.reserve(end - start);
    this.buffer.set(source.subarray(start, end), this.at);
    this.at += end - start;
    return this;
  }

  /** The bytes written so far, without a trailer; the writer may go on. */
  written(): Buffer {
    return this.buffer.subarray(0, this.at);
  }

  /** Back to no rows, the buffer kept (a writer of scratch rows, used batch after batch). */
  rewind(): void {
    this.at = SIGNATURE.length + 8;
  }

  /** The whole COPY data, trailer included; the writer is done. */
  finish(): Buffer {
    this.reserve(2);
    this.at = this.buffer.writeInt16BE(-1, this.at);
    return this.buffer.subarray(0, this.at);
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
  }
}
