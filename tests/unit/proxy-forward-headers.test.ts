import { describe, expect, test } from "bun:test";
import {
  clientResponseHeaders,
  stripHopByHop,
  upstreamRequestHeaders,
} from "../../src/proxy/forward-headers.ts";

const client = { ip: "127.0.0.1", proto: "http" as const };

describe("forward headers", () => {
  test("hop-by-hop headers and those named in Connection go, the rest stays", () => {
    const headers = stripHopByHop(
      new Headers({
        connection: "close, X-Private ,x-other",
        "x-private": "1",
        "x-other": "2",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        upgrade: "h2c",
        "proxy-connection": "keep-alive",
        "x-app": "stays",
      }),
    );
    expect([...headers.keys()]).toEqual(["x-app"]);
  });

  test("X-Forwarded-For appends; -Proto and -Host are kept when a proxy in front set them", () => {
    const fresh = upstreamRequestHeaders(new Headers({ host: "app.test:3000" }), client);
    expect(fresh.get("host")).toBe("app.test:3000");
    expect(fresh.get("x-forwarded-for")).toBe("127.0.0.1");
    expect(fresh.get("x-forwarded-proto")).toBe("http");
    expect(fresh.get("x-forwarded-host")).toBe("app.test:3000");
    const behind = upstreamRequestHeaders(
      new Headers({
        host: "127.0.0.1:3000",
        "x-forwarded-for": "203.0.113.9",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "app.example.com",
        expect: "100-continue",
      }),
      client,
    );
    expect(behind.get("x-forwarded-for")).toBe("203.0.113.9, 127.0.0.1");
    expect(behind.get("x-forwarded-proto")).toBe("https");
    expect(behind.get("x-forwarded-host")).toBe("app.example.com");
    expect(behind.has("expect")).toBe(false);
  });

  test("response headers lose hop-by-hop ones and keep every Set-Cookie", () => {
    const upstream = new Headers({ connection: "x-hop", "x-hop": "1", "keep-alive": "5" });
    upstream.append("set-cookie", "a=1");
    upstream.append("set-cookie", "b=2");
    const out = clientResponseHeaders(upstream);
    expect(out.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(out.has("x-hop")).toBe(false);
    expect(out.has("keep-alive")).toBe(false);
  });
});
