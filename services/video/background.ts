// Periodic background work of a module (sweepers), one run at a time, stopped with it.

/** Runs `work` every `intervalMs` (never two at once) until stopped. */
export function every(name: string, intervalMs: number, work: () => Promise<unknown>): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(work).catch((e: unknown) => console.error(`${name}:`, e));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
