/**
 * ReportingSpanExporter: a collector that refuses batches is reported — once at
 * once, then at most once a minute with what was lost since — and its return is
 * said; every result still reaches the span processor unchanged.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ReportingSpanExporter } from '../../../server/observability/ReportingSpanExporter.ts';
import { CapturingLogger } from '../helpers/CapturingLogger.ts';

/** Answers each batch with the next result it was given. */
class ScriptedExporter implements SpanExporter {
  constructor(private readonly results: ExportResult[]) {}
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const next = this.results.shift();
    if (!next) throw new Error('ScriptedExporter: no result left');
    done(next);
  }
  async shutdown(): Promise<void> {}
}

const ok: ExportResult = { code: ExportResultCode.SUCCESS };
const refused: ExportResult = { code: ExportResultCode.FAILED, error: new Error('HTTP 503') };
const spans = (n: number) => Array.from({ length: n }, () => ({}) as ReadableSpan);

describe('ReportingSpanExporter', () => {
  it('reports the first failure, then once a minute with the losses, then the recovery', () => {
    const logger = new CapturingLogger();
    let now = 0;
    const exporter = new ReportingSpanExporter(
      new ScriptedExporter([ok, refused, refused, refused, refused, ok, ok]),
      logger,
      () => now,
    );
    const results: ExportResultCode[] = [];
    const send = (n: number, at: number) => {
      now = at;
      exporter.export(spans(n), (r) => results.push(r.code));
    };
    send(3, 0);
    expect(logger.lines).toHaveLength(0);
    send(2, 1_000);
    send(4, 20_000); // within the minute: counted, not logged
    send(5, 61_500); // a minute after the first report
    send(1, 70_000);
    send(1, 80_000);
    send(1, 90_000);
    expect(logger.lines.map((l) => [l.level, l.msg, l.fields])).toEqual([
      [
        'warn',
        'trace export failed: spans are being dropped',
        { err: 'HTTP 503', lostBatches: 1, lostSpans: 2 },
      ],
      [
        'warn',
        'trace export still failing: spans are being dropped',
        { err: 'HTTP 503', lostBatches: 2, lostSpans: 9 },
      ],
      [
        'info',
        'trace export recovered',
        { lostBatchesSinceLastReport: 1, lostSpansSinceLastReport: 1 },
      ],
    ]);
    expect(results).toEqual([
      ExportResultCode.SUCCESS,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.SUCCESS,
      ExportResultCode.SUCCESS,
    ]);
  });
});
