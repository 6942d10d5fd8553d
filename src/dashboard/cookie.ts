/**
 * The cookie that carries this run's token for the page: HttpOnly (the page's scripts never
 * see the token), SameSite=Strict (no other site's request carries it), Path=/, no expiry
 * (gone when the browser closes). Cookies are not separated by port, so the name carries the
 * dashboard's port and two dashboards on one host keep theirs apart.
 */
const ATTRIBUTES = "Path=/; HttpOnly; SameSite=Strict";

export function cookieName(port: number): string {
  return `hotreload_token_${port}`;
}

export function tokenCookie(name: string, token: string): string {
  return `${name}=${token}; ${ATTRIBUTES}`;
}

/** Deletes the cookie (a token this run refuses is never kept). */
export function clearTokenCookie(name: string): string {
  return `${name}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** The value of cookie `name` in the request's Cookie header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
