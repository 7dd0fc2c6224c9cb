/**
 * Work done for many requests at once, as a group commit does: the first input is worked on at once; the inputs
 * that arrive while that work runs wait for it, then go together in the next, and so on. Each caller's promise
 * settles when the work that holds its input has finished: with its own output, or with the work's failure.
 */
export class GroupedWork<Input, Output> {
  private waiting: { input: Input; done(output: Output): void; failed(error: unknown): void }[] = [];
  private working = false;

  /** `work` answers one output per input, in order; `mostAtOnce` bounds a group (a statement's size, under a flood). */
  constructor(
    private readonly work: (inputs: Input[]) => Promise<Output[]>,
    private readonly mostAtOnce = 200,
  ) {}

  run(input: Input): Promise<Output> {
    const settled = new Promise<Output>((done, failed) => this.waiting.push({ input, done, failed }));
    if (!this.working) void this.drain();
    return settled;
  }

  private async drain(): Promise<void> {
    this.working = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.mostAtOnce);
      try {
        const outputs = await this.work(group.map((entry) => entry.input));
        group.forEach((entry, index) => entry.done(outputs[index] as Output));
      } catch (error) {
        for (const entry of group) entry.failed(error);
      }
    }
    this.working = false;
  }
}
