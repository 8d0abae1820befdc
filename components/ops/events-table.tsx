'use client';

import type { RouterOutputs } from '@/lib/client/trpc';
import { dateTime, isoTime, metaField, shortId } from '@/lib/client/format';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';

type EventRow = RouterOutputs['ops']['events']['data']['items'][number];

const linkClass = 'font-mono text-xs text-primary hover:underline focus-visible:outline-2 focus-visible:outline-ring';

/** The log, newest first. Stream, type and correlation id are buttons that filter by that value. */
export function EventsTable({
  events,
  onFilter,
}: {
  events: EventRow[];
  onFilter: (patch: { streamId?: string; type?: string; correlationId?: string }) => void;
}) {
  return (
    <Table data-testid="events-table">
      <TableHeader>
        <TableRow>
          <TableHead className="text-right">Position</TableHead>
          <TableHead>Type</TableHead>
          <TableHead>Stream</TableHead>
          <TableHead>Occurred</TableHead>
          <TableHead>Correlation</TableHead>
          <TableHead>Actor</TableHead>
          <TableHead>Data</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {events.map((e) => {
          const correlationId = metaField(e.metadata, 'correlationId');
          return (
            <TableRow key={e.eventId}>
              <TableCell className="text-right tabular-nums">{e.position}</TableCell>
              <TableCell>
                <button type="button" className={linkClass} onClick={() => onFilter({ type: e.type })}>
                  {e.type}
                </button>
              </TableCell>
              <TableCell>
                <button type="button" className={linkClass} onClick={() => onFilter({ streamId: e.streamId })} title={e.streamId}>
                  {e.streamId.length > 24 ? `${e.streamId.slice(0, 22)}…` : e.streamId}
                </button>
                <span className="ml-1 text-xs text-muted-foreground" title="stream version (schema version)">
                  stream v{e.streamVersion} · schema v{e.schemaVersion}
                </span>
              </TableCell>
              <TableCell className="text-xs whitespace-nowrap">
                <time dateTime={isoTime(e.occurredAt)}>{dateTime(e.occurredAt)}</time>
              </TableCell>
              <TableCell>
                {correlationId ? (
                  <button
                    type="button"
                    className={linkClass}
                    onClick={() => onFilter({ correlationId })}
                    aria-label={`Filter by correlation id ${correlationId}`}
                    data-testid="correlation-link"
                  >
                    {shortId(correlationId)}
                  </button>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell className="font-mono text-xs">{metaField(e.metadata, 'actor') ?? '—'}</TableCell>
              <TableCell>
                <details className="text-xs">
                  <summary className="cursor-pointer text-muted-foreground">Show</summary>
                  <pre className="mt-1 max-w-md overflow-x-auto rounded bg-muted p-2">
                    {JSON.stringify({ data: e.data, metadata: e.metadata }, null, 2)}
                  </pre>
                </details>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
