/** Labels coded in order of first appearance: the same label always gets the same code. */
export class LabelDictionary {
  /** Label of each code. */
  readonly labels: string[] = [];
  private readonly codes = new Map<string, number>();

  code(label: string): number {
    let code = this.codes.get(label);
    if (code === undefined) {
      code = this.labels.length;
      this.labels.push(label);
      this.codes.set(label, code);
    }
    return code;
  }
}
