/**
 * POSTs to the Twilio voice webhook (/telephony/twilio/voice) with garbage
 * bodies, wrong content types, oversized forms, odd query strings, and a
 * greeting that tries to inject TwiML. Never a 5xx; a form over 64 kB is a
 * 413; an invalid graph name a 400; and the TwiML must never carry markup
 * from the query.
 */
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import { runHttpCase } from '../runHttpCase.ts';
import { percentEncode } from './byteShapes.ts';
import { oddString } from './jsonShapes.ts';

const VOICE = '/telephony/twilio/voice';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const notServerError = { describe: 'any non-5xx answer', status: (s: number) => s < 500 };

export function twilioWebhookKinds(): CaseKind[] {
  return [
    {
      name: 'voice-webhook-garbage-form',
      make(rng) {
        const body = rng.pick([
          Buffer.from(rng.bytes(rng.int(1, 2000))),
          '%%%',
          'CallSid=%ZZ&From=%E0%A4%A',
          Array.from({ length: rng.int(100, 3000) }, (_, i) => `p${i}=${i}`).join('&'),
          `CallSid=${percentEncode(oddString(rng))}&From=${percentEncode(oddString(rng))}`,
          '__proto__[polluted]=1&constructor[prototype][x]=1',
        ]);
        return {
          title: `form body ${preview(body.toString(), 60)}`,
          run: (ctx) =>
            runHttpCase(ctx, {
              method: 'POST',
              path: `${VOICE}?graph=echo`,
              headers: FORM,
              body,
              expect: notServerError,
            }),
        };
      },
    },
    {
      name: 'voice-webhook-wrong-content-type',
      make(rng) {
        const contentType = rng.pick([
          'application/json',
          'text/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded; charset=utf-16',
          'application/octet-stream',
          '',
        ]);
        return {
          title: `content-type '${contentType}'`,
          run: (ctx) =>
            runHttpCase(ctx, {
              method: 'POST',
              path: `${VOICE}?graph=echo`,
              headers: contentType ? { 'content-type': contentType } : {},
              body: '{"CallSid":"CA1"}',
              expect: notServerError,
            }),
        };
      },
    },
    {
      name: 'voice-webhook-huge-form',
      make(rng) {
        const size = rng.int(64 * 1024 + 1, 2 * 1024 * 1024);
        return {
          title: `a ${size}-byte form (limit 64 kB)`,
          run: (ctx) =>
            runHttpCase(ctx, {
              method: 'POST',
              path: `${VOICE}?graph=echo`,
              headers: FORM,
              body: () => `Greeting=${'g'.repeat(size)}`,
              expect: { describe: '413', status: (s) => s === 413 },
            }),
        };
      },
    },
    {
      name: 'voice-webhook-odd-query',
      make(rng) {
        const query = rng.pick([
          { q: 'graph=../etc', want: 400 },
          { q: 'graph=a%20b', want: 400 },
          { q: `graph=${'x'.repeat(65)}`, want: 400 },
          { q: 'graph=echo&graph=keyed', want: 0 },
          { q: 'graph[a]=echo', want: 0 },
          { q: `greeting=${percentEncode(oddString(rng))}`, want: 0 },
          { q: 'graph=%ZZ', want: 0 },
        ]);
        const expect =
          query.want === 0
            ? notServerError
            : { describe: String(query.want), status: (s: number) => s === query.want };
        return {
          title: `?${preview(query.q, 60)}`,
          run: (ctx) =>
            runHttpCase(ctx, {
              method: 'POST',
              path: `${VOICE}?${query.q}`,
              headers: FORM,
              body: 'CallSid=CA1',
              expect,
            }),
        };
      },
    },
    {
      name: 'voice-webhook-twiml-injection',
      make(rng) {
        const greeting = rng.pick([
          '"/><Hangup/><Parameter name="x" value="',
          "'><Redirect>https://evil.example</Redirect>",
          ']]><Say>pwned</Say>',
          '&lt;Hangup/&gt;',
        ]);
        return {
          title: `greeting ${preview(greeting, 50)}`,
          run: (ctx) =>
            runHttpCase(ctx, {
              method: 'POST',
              path: `${VOICE}?graph=echo&greeting=${percentEncode(greeting)}`,
              headers: FORM,
              body: 'CallSid=CA1',
              expect: { describe: '200', status: (s) => s === 200 },
              check: ({ body }) =>
                /<(Hangup|Redirect|Say)\b/.test(body)
                  ? `the TwiML carries markup from the query: ${preview(body, 400)}`
                  : undefined,
            }),
        };
      },
    },
  ];
}
