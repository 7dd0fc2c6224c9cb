/**
 * Whether the promise settles before a timer of `ms`, started now, fires. A test starts the timer no later than the
 * wait it stands for (a latency, a Retry-After) to ask "did the code not wait for it?" without reading a clock:
 * Node fires timers in the order they fall due, so on a busy machine both run late together and the answer holds.
 */
export function settlesBefore(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, elapsed]).finally(() => clearTimeout(timer));
}
