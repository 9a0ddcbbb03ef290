/** Events of one transaction share their instant: each is written out once. */
export class InstantText {
  private readonly texts = new Map<number, string>();

  of(instant: Date): string {
    const ms = instant.getTime();
    let text = this.texts.get(ms);
    if (text === undefined) {
      text = instant.toISOString();
      this.texts.set(ms, text);
    }
    return text;
  }
}
