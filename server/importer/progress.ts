/**
 * Counts finished rows of one phase and prints a line every `every` of them and at the end, e.g.
 * `users 1500/3000 (50%) 12.3 s`.
 */
export class Progress {
  private done = 0;
  private skipped = 0;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: (line: string) => void,
    private readonly every = 500,
  ) {}

  /** One row finished; `skipped` when an earlier run had already done it. */
  tick(skipped = false) {
    this.done += 1;
    if (skipped) this.skipped += 1;
    if (this.done % this.every === 0 && this.done < this.total) this.print();
  }

  get count() {
    return this.done;
  }

  print() {
    const pct = this.total ? Math.floor((this.done / this.total) * 100) : 100;
    const skipped = this.skipped ? `, ${this.skipped} already done` : '';
    this.out(`${this.label} ${this.done}/${this.total} (${pct}%${skipped}) ${this.elapsed().toFixed(1)} s`);
  }

  elapsed() {
    return (performance.now() - this.started) / 1000;
  }
}
