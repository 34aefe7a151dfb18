import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '#engine';

/** A collector that stays down is reported once a minute, not once per batch. */
const REPORT_EVERY_MS = 60_000;

/**
 * Wraps the OTLP exporter so an operator learns that traces are being lost:
 * the SDK drops a failed batch silently unless a global diagnostic logger is
 * set. The first failure is logged at once, later ones at most once a minute
 * with how many batches and spans were lost since, and the first success
 * after a failure says the collector is back.
 */
export class ReportingSpanExporter implements SpanExporter {
  private failing = false;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private lostBatches = 0;
  private lostSpans = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.succeeded();
      else this.failed(spans.length, result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(spans: number, error: Error | undefined): void {
    this.lostBatches++;
    this.lostSpans += spans;
    const first = !this.failing;
    this.failing = true;
    if (!first && this.now() - this.lastReportAt < REPORT_EVERY_MS) return;
    this.logger.warn(
      {
        err: error?.message ?? 'unknown',
        lostBatches: this.lostBatches,
        lostSpans: this.lostSpans,
      },
      first
        ? 'trace export failed: spans are being dropped'
        : 'trace export still failing: spans are being dropped',
    );
    this.lastReportAt = this.now();
    this.lostBatches = 0;
    this.lostSpans = 0;
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.logger.info(
      { lostBatchesSinceLastReport: this.lostBatches, lostSpansSinceLastReport: this.lostSpans },
      'trace export recovered',
    );
    this.failing = false;
    this.lostBatches = 0;
    this.lostSpans = 0;
  }
}
