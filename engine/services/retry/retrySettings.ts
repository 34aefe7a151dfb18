import { z } from 'zod';
import type { RetryPolicy } from './RetryPolicy.ts';

/**
 * The retry settings every cloud service node shares, spread into its settings
 * schema: one options type for every family base.
 */
export const retrySettings = {
  maxRetries: z
    .number()
    .int()
    .min(0)
    .max(5)
    .default(2)
    .describe('Retries on 429/5xx/dropped connections, only before any output'),
  retryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(250)
    .describe('First retry delay; doubles each time (ms)'),
  maxRetryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(30_000)
    .default(2000)
    .describe('Longest wait between attempts, also for retry-after (ms)'),
};

export type RetrySettings = z.output<z.ZodObject<typeof retrySettings>>;

/** The retry settings as live keys: every base reads them per request, so they change live. */
export const RETRY_LIVE_KEYS = [
  'maxRetries',
  'retryDelayMs',
  'maxRetryDelayMs',
] as const satisfies ReadonlyArray<keyof RetrySettings>;

/** The policy a node's retry settings describe. */
export function retryPolicyFrom(settings: RetrySettings): RetryPolicy {
  return {
    maxRetries: settings.maxRetries,
    baseDelayMs: settings.retryDelayMs,
    maxDelayMs: settings.maxRetryDelayMs,
  };
}
