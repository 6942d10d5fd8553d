import { expect, test } from "bun:test";
import { MAX_INBOUND_BYTES, PAGE_COMMANDS, parseCommand } from "../../src/dashboard/protocol.ts";

test("valid commands parse", () => {
  for (const command of PAGE_COMMANDS) {
    expect(parseCommand(JSON.stringify({ type: "command", command }))).toEqual({
      ok: true,
      command,
    });
  }
  // The HTTP API also takes the short form.
  expect(parseCommand('{"command":"restart"}', false)).toEqual({ ok: true, command: "restart" });
});

test.each([
  ["not json", /not JSON/],
  ["[1,2]", /JSON object/],
  ["null", /JSON object/],
  ['"rebuild"', /JSON object/],
  ['{"type":"command","command":"rm -rf"}', /unknown command "rm -rf"; expected one of rebuild/],
  ['{"type":"command"}', /unknown command/],
  ['{"type":"hello","command":"rebuild"}', /unknown message type "hello"/],
  ['{"command":"rebuild"}', /unknown message type/],
  ['{"type":"command","command":"rebuild","extra":1}', /unknown field "extra"/],
  ['{"type":"command","command":{"toString":"x"}}', /unknown command/],
])("%s is refused with a reason", (raw, reason) => {
  const parsed = parseCommand(raw);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.message).toMatch(reason);
});

test("oversized and binary messages are refused", () => {
  const big = JSON.stringify({ type: "command", command: "x".repeat(MAX_INBOUND_BYTES) });
  expect(parseCommand(big)).toEqual({
    ok: false,
    message: `message larger than ${MAX_INBOUND_BYTES} bytes`,
  });
  expect(parseCommand(new Uint8Array([1, 2]))).toEqual({
    ok: false,
    message: "binary messages are not accepted",
  });
});

test("a command may name the service it is for; a bad name is refused", () => {
  expect(parseCommand('{"type":"command","command":"restart","service":"api"}')).toEqual({
    ok: true,
    command: "restart",
    service: "api",
  });
  expect(parseCommand('{"command":"stop","service":"users"}', false)).toEqual({
    ok: true,
    command: "stop",
    service: "users",
  });
  for (const service of [1, "", "../x", "a b", "x".repeat(65), null]) {
    const parsed = parseCommand(JSON.stringify({ type: "command", command: "rebuild", service }));
    expect(parsed).toMatchObject({ ok: false, message: expect.stringMatching(/invalid service/) });
  }
});
