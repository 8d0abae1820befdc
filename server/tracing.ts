import { context, propagation, trace, ROOT_CONTEXT, SpanStatusCode, type Attributes, type Context } from '@opentelemetry/api';
import { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

/**
 * OpenTelemetry, off by default. With OTEL_EXPORTER_OTLP_ENDPOINT set, spans go from the tRPC call
 * through the command, the relay, the projections and the saga; the trace context travels in each
 * event's metadata (`traceparent`), so one request's whole flow is one trace.
 */
let provider: NodeTracerProvider | null = null;

export function initTracing(serviceName: string, opts: { endpoint?: string; exporter?: SpanExporter } = {}) {
  if (provider || (!opts.endpoint && !opts.exporter)) return provider;
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: `${opts.endpoint!.replace(/\/$/, '')}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return provider;
}

export const tracingEnabled = () => provider !== null;
const tracer = () => trace.getTracer('ledgerline');

/** The W3C traceparent of the active span, for event metadata. */
export function activeTraceparent(): string | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export const contextOf = (traceparent?: string): Context =>
  traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : context.active();

/** Runs `fn` in a span (a child of `parent` when given); records errors. A no-op when tracing is off. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, parent?: Context): Promise<T> {
  if (!provider) return fn();
  return tracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A finished span for work done on behalf of one event (relay, projection), in the event's trace. */
export function eventSpan(name: string, traceparent: string | undefined, attributes: Attributes, startTime: number) {
  if (!provider || !traceparent) return;
  tracer().startSpan(name, { attributes, startTime }, contextOf(traceparent)).end();
}
