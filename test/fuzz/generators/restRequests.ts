/**
 * The REST API (server/http/*.ts) with garbage: broken JSON, wrong content
 * types and charsets, bodies over the 1 MB limit, JSON nested past any
 * recursive walk, random JSON, odd path parameters and methods, foreign Host
 * and Origin headers. Every answer must be a 4xx (400/403/404/413/415/…) or,
 * for a request that happens to be acceptable, a 2xx — never a 5xx.
 * Mutating routes never name the `echo` graph or a live session: the healthy
 * session runs on them.
 */
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { type HttpCase, runHttpCase } from '../runHttpCase.ts';
import { percentEncode } from './byteShapes.ts';
import {
  brokenJson,
  deepJson,
  hurtfulDepth,
  type Nesting,
  oddString,
  PROTOTYPE_KEYS,
  randomJsonValue,
} from './jsonShapes.ts';

interface Route {
  method: string;
  /** Path for this case; `name` is a graph name the route may change, `anyName` one it only reads. */
  path: (rng: Rng) => string;
  /** The route reads a JSON body. */
  takesBody: boolean;
}

/** Graph names a mutating route may use: not `echo`, which the healthy session runs on. */
const MUTABLE_NAMES = ['keyed', 'fuzz-graph', 'nope'];
const readName = (rng: Rng) => rng.pick(['echo', ...MUTABLE_NAMES]);
const mutableName = (rng: Rng) => rng.pick(MUTABLE_NAMES);
const revision = (rng: Rng) =>
  rng.pick(['0123456789abcdef', 'zz', rng.string(16, '0123456789abcdef')]);
/** Never a live session's id: a DELETE would end it. */
const sessionId = (rng: Rng) =>
  rng.pick(['00000000-0000-0000-0000-000000000000', 'nope', rng.string(36, '0123456789abcdef-')]);

const ROUTES: Route[] = [
  { method: 'GET', path: () => '/api/health', takesBody: false },
  { method: 'GET', path: () => '/api/graphs', takesBody: false },
  { method: 'POST', path: () => '/api/graphs/validate', takesBody: true },
  { method: 'POST', path: () => '/api/graphs', takesBody: true },
  { method: 'GET', path: (rng) => `/api/graphs/${readName(rng)}`, takesBody: false },
  { method: 'PUT', path: (rng) => `/api/graphs/${mutableName(rng)}`, takesBody: true },
  { method: 'DELETE', path: (rng) => `/api/graphs/${mutableName(rng)}`, takesBody: false },
  { method: 'GET', path: (rng) => `/api/graphs/${readName(rng)}/versions`, takesBody: false },
  {
    method: 'GET',
    path: (rng) => `/api/graphs/${readName(rng)}/versions/${revision(rng)}`,
    takesBody: false,
  },
  {
    method: 'POST',
    path: (rng) => `/api/graphs/${mutableName(rng)}/versions/${revision(rng)}/restore`,
    takesBody: false,
  },
  { method: 'GET', path: () => '/api/node-types', takesBody: false },
  { method: 'GET', path: () => '/api/sessions', takesBody: false },
  { method: 'GET', path: (rng) => `/api/sessions/${sessionId(rng)}`, takesBody: false },
  { method: 'DELETE', path: (rng) => `/api/sessions/${sessionId(rng)}`, takesBody: false },
  { method: 'POST', path: (rng) => `/api/sessions/${sessionId(rng)}/graph`, takesBody: true },
  // The cluster's entry point (a cluster of one here) and the Tests panel's reads.
  { method: 'POST', path: () => '/api/connect', takesBody: true },
  { method: 'GET', path: () => '/api/scenarios', takesBody: false },
  { method: 'GET', path: (rng) => `/api/scenarios/runs/${sessionId(rng)}`, takesBody: false },
  { method: 'POST', path: () => '/api/no-such-route', takesBody: true },
];

const BODY_ROUTES = ROUTES.filter((r) => r.takesBody);
const JSON_TYPE = { 'content-type': 'application/json' };
const clientError = { describe: 'a 4xx', status: (s: number) => s >= 400 && s < 500 };
const notServerError = { describe: 'any non-5xx answer', status: (s: number) => s < 500 };

/** A kind that sends one request to a route drawn per case. */
function restKind(
  name: string,
  build: (
    rng: Rng,
    route: Route,
  ) => Omit<HttpCase, 'method' | 'path'> & { title: string; method?: string; path?: string },
  routes = ROUTES,
): CaseKind {
  return {
    name,
    make(rng) {
      const route = rng.pick(routes);
      const path = route.path(rng);
      const { title, ...c } = build(rng, route);
      const method = c.method ?? route.method;
      return {
        title: `${method} ${preview(c.path ?? path, 60)}: ${title}`,
        run: (ctx) => runHttpCase(ctx, { method, path, ...c }),
      };
    },
  };
}

/** One case that sends garbage to every route, so each run covers them all whatever the case count. */
const everyRouteKind: CaseKind = {
  name: 'garbage-on-every-route',
  make(rng) {
    const requests = ROUTES.flatMap((route): HttpCase[] => {
      const path = route.path(rng);
      const garbage = brokenJson(rng) || '{';
      return [
        { method: route.method, path, headers: JSON_TYPE, body: garbage, expect: clientError },
        {
          method: route.method,
          path,
          headers: { 'content-type': 'text/plain' },
          body: garbage,
          expect: route.takesBody ? clientError : notServerError,
        },
      ];
    });
    return {
      title: `every route (${ROUTES.length}) with a broken JSON body, then with a text/plain one`,
      async run(ctx) {
        const results = [];
        for (const request of requests)
          results.push({ request, result: await runHttpCase(ctx, request) });
        const failed = results.filter((r) => r.result.problems.length > 0);
        const statuses = [
          ...new Set(results.map((r) => r.result.outcome.split(' ').slice(0, 2).join(' '))),
        ].join(', ');
        return {
          outcome: `${results.length} requests: ${statuses}`,
          problems: failed.map(
            (f) =>
              `${f.request.method} ${preview(f.request.path, 60)} (${f.request.headers?.['content-type']}): ${f.result.problems.join('; ')}`,
          ),
        };
      },
    };
  },
};

export function restRequestKinds(): CaseKind[] {
  return [
    everyRouteKind,
    restKind('garbage-json-body', (rng) => {
      let body = brokenJson(rng);
      if (body === '') body = '{';
      return {
        title: `JSON body '${preview(body, 50)}'`,
        headers: JSON_TYPE,
        body,
        expect: clientError,
      };
    }),
    restKind('wrong-content-type', (rng, route) => {
      const contentType = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=zz',
        'application/xml',
        'application/octet-stream',
        'application/jsonx',
        'json',
      ]);
      return {
        title: `'${contentType}' body`,
        headers: { 'content-type': contentType },
        body: '{"graph":{}}',
        expect: route.takesBody ? clientError : notServerError,
      };
    }),
    restKind('unsupported-charset', (rng, route) => {
      // Not utf-7: body-parser accepts any utf-* charset iconv knows, and UTF-7 of plain ASCII JSON is that JSON.
      const charset = rng.pick(['utf-16', 'latin1', 'koi8-r', 'bogus', 'ucs-2']);
      return {
        title: `application/json; charset=${charset}`,
        headers: { 'content-type': `application/json; charset=${charset}` },
        body: '{"graph":{}}',
        expect: route.takesBody ? clientError : notServerError,
      };
    }),
    restKind('bad-content-encoding', (rng, route) => {
      const encoding = rng.pick(['gzip', 'deflate', 'br', 'compress', 'bogus']);
      return {
        title: `Content-Encoding ${encoding} over plain bytes`,
        headers: { ...JSON_TYPE, 'content-encoding': encoding },
        body: Buffer.from(rng.bytes(rng.int(1, 500))),
        expect: route.takesBody ? clientError : notServerError,
      };
    }),
    restKind('huge-body', (rng) => {
      const size = rng.int(1024 * 1024 + 1, 3 * 1024 * 1024);
      return {
        title: `a ${size}-byte JSON body (limit 1 MB)`,
        headers: JSON_TYPE,
        body: () => `{"graph":{"blob":"${'x'.repeat(size)}"}}`,
        expect: { describe: '413', status: (s) => s === 413 },
      };
    }),
    restKind(
      'deep-json-body',
      (rng, route) => {
        const depth = Math.min(hurtfulDepth(rng), 150_000);
        const nesting = rng.pick<Nesting>(['arrays', 'objects', 'mixed']);
        const wrapped = rng.bool();
        const body = () =>
          wrapped
            ? `{"name":"fuzz-deep","graph":${deepJson(depth, nesting, rng)}}`
            : deepJson(depth, nesting, rng);
        return {
          title: `JSON ${depth} ${nesting} deep${wrapped ? ' as the graph' : ''}`,
          headers: JSON_TYPE,
          body,
          expect: route.takesBody ? clientError : notServerError,
        };
      },
      BODY_ROUTES,
    ),
    restKind('random-json-body', (rng) => {
      const value = rng.bool()
        ? {
            name: rng.bool() ? 'fuzz-graph' : oddString(rng),
            graph: randomJsonValue(rng),
            revision: randomJsonValue(rng, 1),
          }
        : randomJsonValue(rng);
      const body = JSON.stringify(value);
      return {
        title: `body ${preview(body, 60)}`,
        headers: JSON_TYPE,
        body,
        expect: notServerError,
      };
    }),
    restKind(
      'graph-shaped-garbage',
      (rng) => {
        const node = () => ({
          id: rng.bool() ? oddString(rng) : 'n',
          type: rng.pick(['transport.input', 'test.echo-bot', 'nope', '']),
          config: randomJsonValue(rng, 2),
          position: randomJsonValue(rng, 1),
        });
        const graph = {
          version: rng.pick<unknown>([1, 2, '1', null]),
          name: 'fuzz-graph',
          nodes: Array.from({ length: rng.int(0, 40) }, node),
          edges: Array.from({ length: rng.int(0, 40) }, () => ({
            id: 'e',
            source: 'n',
            target: rng.pick(['n', 'm']),
          })),
        };
        return {
          title: `a graph with ${graph.nodes.length} garbage nodes, ${graph.edges.length} edges`,
          headers: JSON_TYPE,
          body: JSON.stringify({ name: 'fuzz-graph', graph, revision: '0123456789abcdef' }),
          expect: notServerError,
        };
      },
      BODY_ROUTES,
    ),
    restKind(
      'prototype-keys-body',
      (rng) => {
        const key = rng.pick(PROTOTYPE_KEYS);
        const body = rng.pick([
          `{"${key}":{"polluted":true},"name":"fuzz-graph","graph":{}}`,
          `{"name":"fuzz-graph","graph":{"${key}":{"nodes":[]}}}`,
          `{"graph":"${key}"}`,
          `{"name":"${key}","graph":{}}`,
        ]);
        return {
          title: `body ${preview(body, 60)}`,
          headers: JSON_TYPE,
          body,
          expect: notServerError,
        };
      },
      BODY_ROUTES,
    ),
    restKind('odd-path', (rng) => {
      const segment = rng.pick([
        '.',
        '..',
        '%2e%2e',
        '%00',
        '%ZZ',
        '%F0%9F%98',
        '%2F',
        'a'.repeat(rng.int(65, 8000)),
        percentEncode(oddString(rng)),
        'echo%2F..%2F..%2Fetc',
      ]);
      const path = rng.pick([
        `/api/graphs/${segment}`,
        `/api/graphs/${segment}/versions/${segment}`,
        `/api/sessions/${segment}`,
        `/api/scenarios/suites/${segment}/${segment}`,
        `/api/${segment}`,
        `/api/graphs/echo/versions/${segment}`,
      ]);
      return { title: 'odd path', method: 'GET', path, expect: notServerError };
    }),
    restKind('odd-method', (rng) => {
      const method = rng.pick(['PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'LOCK']);
      return {
        title: `method ${method}`,
        method,
        headers: JSON_TYPE,
        body: '{}',
        expect: notServerError,
      };
    }),
    restKind('foreign-host', (rng) => {
      const host = rng.pick([
        'evil.example',
        'evil.example:80',
        'localhost.evil.example',
        'a:b:c',
        '[::1',
        'xn--80ak6aa92e.com',
      ]);
      return { title: `Host: ${host}`, headers: { host }, expect: clientError };
    }),
    restKind('foreign-origin', (rng, route) => {
      const origin = rng.pick([
        'https://evil.example',
        'null',
        'http://127.0.0.1.evil.example',
        'file://',
      ]);
      const safe = ['GET', 'HEAD', 'OPTIONS'].includes(route.method);
      return {
        title: `Origin: ${origin}`,
        headers: { origin, ...JSON_TYPE },
        body: '{}',
        expect: safe ? notServerError : { describe: '403', status: (s) => s === 403 },
      };
    }),
  ];
}
