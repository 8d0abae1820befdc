'use client';

import { AlertCircle, Inbox, Loader2 } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { errorCode, errorMessage } from '@/lib/client/errors';

export function LoadingBlock({ rows = 4, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" className="grid gap-2">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-md border border-dashed p-8 text-center text-sm text-muted-foreground">
      <Inbox className="size-6" aria-hidden="true" />
      <p className="font-medium text-foreground">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const code = errorCode(error);
  const heading = title ?? (code === 'FORBIDDEN' ? 'Not allowed' : code === 'NOT_FOUND' ? 'Not found' : 'Could not load this');
  return (
    <Alert variant="destructive">
      <div className="flex items-start gap-2">
        <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <div className="grid gap-2">
          <AlertTitle>{heading}</AlertTitle>
          <AlertDescription>{errorMessage(error)}</AlertDescription>
          {onRetry && code !== 'FORBIDDEN' && code !== 'NOT_FOUND' ? (
            <div>
              <Button size="sm" variant="outline" onClick={onRetry}>
                Try again
              </Button>
            </div>
          ) : null}
        </div>
      </div>
    </Alert>
  );
}

/** Shown while a query answer says the read model has not yet reached our last write. */
export function ProcessingNotice({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <Alert variant="info" data-testid="processing-notice">
      <div className="flex items-center gap-2">
        <Loader2 className="size-4 animate-spin" aria-hidden="true" />
        <span>Processing… (waiting for the read model)</span>
      </div>
    </Alert>
  );
}

/** Content that may be older than a write just made: dimmed and marked busy until fresh. */
export function StaleFrame({ stale, children }: { stale: boolean; children: React.ReactNode }) {
  return (
    <div aria-busy={stale || undefined} className={stale ? 'pointer-events-none opacity-50 transition-opacity' : 'transition-opacity'}>
      {children}
    </div>
  );
}

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return <Alert variant="destructive">{errorMessage(error)}</Alert>;
}

interface QueryLike {
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The four states every read view goes through, in this order: the query failed (with a retry),
 * no answer yet (skeleton rows), an answer with nothing in it, and the content itself.
 */
export function QueryStates<T>({
  query,
  data,
  loading,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike;
  /** The answer; null or undefined means it has not come yet (or the read model is still catching up). */
  data: T | null | undefined;
  loading: { rows: number; label: string };
  isEmpty?: (data: T) => boolean;
  empty?: React.ReactNode;
  children: (data: T) => React.ReactNode;
}) {
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (data === null || data === undefined) return <LoadingBlock rows={loading.rows} label={loading.label} />;
  if (isEmpty?.(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}
