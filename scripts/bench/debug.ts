/** Debug lines for the benchmark's own decisions, shown with HOTRELOAD_LOG_LEVEL=debug. */
export function benchDebug(message: string): void {
  if (process.env.HOTRELOAD_LOG_LEVEL?.toLowerCase() === "debug")
    process.stderr.write(`bench debug ${message}\n`);
}
