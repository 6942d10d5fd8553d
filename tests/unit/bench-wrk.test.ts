import { expect, test } from "bun:test";
import { parseWrk } from "../../scripts/bench/wrk.ts";

const OUTPUT = `Running 3s test @ http://127.0.0.1:41002/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   695.94us    1.02ms  20.23ms   92.36%
    Req/Sec    11.94k     2.64k   16.30k    72.50%
  Latency Distribution
     50%  486.00us
     75%  612.00us
     90%    1.10ms
     99%    2.67ms
  35727 requests in 3.00s, 40.01MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  11909.02
Transfer/sec:     13.34MB
`;

test("wrk's latency distribution in µs, requests per second, errors summed", () => {
  expect(parseWrk(OUTPUT)).toEqual({
    p50: 486,
    p90: 1100,
    p99: 2670,
    requestsPerSecond: 11909.02,
    requests: 35727,
    errors: 7,
  });
  expect(parseWrk("unable to connect to 127.0.0.1:1 Connection refused")).toBeNull();
});
