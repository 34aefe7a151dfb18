import { z } from 'zod';

/** Retry settings every cloud service node shares (see RetryPolicy). */
export const retrySettings = {
  maxRetries: z.number().int().min(0).max(5).default(2).describe('Retries on 429/5xx/dropped connections, only before any output'),
  retryDelayMs: z.number().int().min(0).max(10_000).default(250).describe('First retry delay; doubles each time (ms)'),
  maxRetryDelayMs: z.number().int().min(0).max(30_000).default(2000).describe('Longest wait between attempts, also for retry-after (ms)'),
};
