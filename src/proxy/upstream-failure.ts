/**
 * How a failure towards an instance is said, the same way by the fetch path
 * (forward-http.ts) and the raw front (http1/front.ts): `instance 7 (127.0.0.1:40123)
 * connection refused`. Pure.
 */

/** The instance as failure lines name it. */
export function instanceLabel(target: { readonly id: number; readonly port: number }): string {
  return `instance ${target.id} (127.0.0.1:${target.port})`;
}

/** A socket or fetch error as a few words: Node's codes and Bun's fetch codes alike. */
export function failureReason(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "ECONNREFUSED" || code === "ConnectionRefused") return "connection refused";
  if (code === "ECONNRESET" || code === "ConnectionClosed" || code === "EPIPE")
    return "connection reset";
  const message = error instanceof Error ? error.message : String(error ?? "");
  return message.split("\n")[0]?.slice(0, 200) || fallback;
}
