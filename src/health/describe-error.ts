/**
 * Readable text for a failed health request: what happened, in words a user acts on.
 */

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens there yet)",
  ConnectionRefused: "connection refused (nothing listens there yet)",
  ECONNRESET: "connection reset by the server",
  ConnectionClosed: "the server closed the connection without answering",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "host name lookup failed temporarily (DNS)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate could not be verified",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host name",
};

export function describeFetchError(url: string, error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const known = typeof code === "string" ? BY_CODE[code] : undefined;
  if (known) return `GET ${url} failed: ${known}`;
  const message = error instanceof Error ? error.message : String(error);
  const suffix = typeof code === "string" && !message.includes(code) ? ` (${code})` : "";
  return `GET ${url} failed: ${message}${suffix}`;
}
