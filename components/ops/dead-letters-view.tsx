'use client';

import { Fragment, useState } from 'react';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { useIsAdmin } from '@/lib/client/session';
import { dateTime } from '@/lib/client/format';
import { errorMessage } from '@/lib/client/errors';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { PageHeader } from '@/components/common/page-header';
import { EmptyState, QueryStates } from '@/components/common/states';

function useInvalidateLetters() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.ops.deadLetters.queryKey() });
}

function RetryButton({ id, label }: { id: number; label: string }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateLetters();
  const retry = useMutation(trpc.ops.retryDeadLetter.mutationOptions({ onSettled: invalidate }));
  const failed = retry.data && !retry.data.ok ? retry.data.error : null;
  return (
    <div className="grid gap-1">
      <Button size="sm" variant="outline" disabled={retry.isPending} onClick={() => retry.mutate({ id })} aria-label={label}>
        {retry.isPending ? 'Retrying…' : 'Retry'}
      </Button>
      {retry.isError ? (
        <span role="alert" className="max-w-48 text-xs text-destructive">
          {errorMessage(retry.error)}
        </span>
      ) : null}
      {failed ? (
        <span role="alert" className="max-w-48 text-xs text-destructive">
          Failed again: {failed}
        </span>
      ) : null}
    </div>
  );
}

/** Discarding skips an event for good: the operator types `discard <position>` to confirm. */
function DiscardForm({ id, position }: { id: number; position: number }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateLetters();
  const [typed, setTyped] = useState('');
  const expected = `discard ${position}`;
  const discard = useMutation(trpc.ops.discardDeadLetter.mutationOptions({ onSettled: invalidate }));
  return (
    <form
      className="grid gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        discard.mutate({ id, confirm: typed });
      }}
    >
      <Input
        className="h-8 w-36 text-xs"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        placeholder={expected}
        aria-label={`Type "${expected}" to discard dead letter ${id}`}
      />
      <Button size="sm" variant="destructive" type="submit" disabled={typed.trim() !== expected || discard.isPending}>
        Discard
      </Button>
      {discard.isError ? (
        <span role="alert" className="max-w-48 text-xs text-destructive">
          {errorMessage(discard.error)}
        </span>
      ) : null}
    </form>
  );
}

type Letter = RouterOutputs['ops']['deadLetters']['data'][number];

/** Letters grouped by projection and stream, open groups first, each in log order. */
function byStream(rows: Letter[]) {
  const groups = new Map<string, { projection: string; streamId: string | null; letters: Letter[] }>();
  for (const r of rows) {
    const key = `${r.projection}\u0000${r.streamId ?? ''}`;
    const g = groups.get(key) ?? { projection: r.projection, streamId: r.streamId, letters: [] };
    g.letters.push(r);
    groups.set(key, g);
  }
  const list = [...groups.values()].map((g) => ({
    ...g,
    letters: g.letters.sort((a, b) => a.position - b.position),
    open: g.letters.filter((l) => !l.resolvedAt).length,
  }));
  return list.sort((a, b) => Number(b.open > 0) - Number(a.open > 0) || a.projection.localeCompare(b.projection));
}

export function DeadLettersView() {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const letters = useQuery({ ...trpc.ops.deadLetters.queryOptions({}), refetchInterval: 5000 });
  const groups = byStream((letters.data?.data ?? []) as Letter[]);
  const columns = isAdmin ? 9 : 8;
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Events a projection could not apply after its retries, grouped by stream. With the park-stream policy a stream's later events wait behind its failed one, in order; retrying replays the stream's parked events in order."
      />
      <Card>
        <CardContent className="pt-4">
          <QueryStates
            query={letters}
            data={letters.data}
            loading={{ rows: 4, label: 'Loading dead letters…' }}
            isEmpty={() => groups.length === 0}
            empty={<EmptyState title="No dead letters">Every event has been applied.</EmptyState>}
          >
            {() => (
              <Table data-testid="dead-letters-table">
                <TableHeader>
                  <TableRow>
                    <TableHead>Id</TableHead>
                    <TableHead>Projection</TableHead>
                    <TableHead className="text-right">Position</TableHead>
                    <TableHead>Event</TableHead>
                    <TableHead>Error</TableHead>
                    <TableHead className="text-right">Attempts</TableHead>
                    <TableHead>Created</TableHead>
                    <TableHead>State</TableHead>
                    {isAdmin ? (
                      <TableHead>
                        <span className="sr-only">Actions</span>
                      </TableHead>
                    ) : null}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {groups.map((g) => {
                    const first = g.letters.find((l) => !l.resolvedAt);
                    return (
                      <Fragment key={`${g.projection}:${g.streamId}`}>
                        <TableRow data-testid="dead-letter-stream" className="bg-muted/50">
                          <TableCell colSpan={columns} className="text-sm">
                            <div className="flex flex-wrap items-center gap-3">
                              <span className="font-medium">{g.projection}</span>
                              {g.streamId ? (
                                <Link
                                  href={`/ops/events?streamId=${encodeURIComponent(g.streamId)}`}
                                  className="font-mono text-xs text-primary hover:underline"
                                >
                                  {g.streamId}
                                </Link>
                              ) : (
                                <span className="text-xs text-muted-foreground">stream not recorded</span>
                              )}
                              <Badge variant={g.open ? 'destructive' : 'success'}>{g.open ? `${g.open} parked` : 'all resolved'}</Badge>
                              {isAdmin && first && g.letters.some((l) => l.held) ? (
                                <RetryButton id={first.id} label={`Retry stream ${g.streamId}`} />
                              ) : null}
                            </div>
                          </TableCell>
                        </TableRow>
                        {g.letters.map((d) => (
                          <TableRow key={d.id}>
                            <TableCell className="tabular-nums">{d.id}</TableCell>
                            <TableCell className="font-medium">{d.projection}</TableCell>
                            <TableCell className="text-right tabular-nums">{d.position}</TableCell>
                            <TableCell>{d.eventType}</TableCell>
                            <TableCell className="max-w-72 text-xs break-words">{d.error}</TableCell>
                            <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
                            <TableCell className="text-xs">{dateTime(d.createdAt)}</TableCell>
                            <TableCell>
                              {d.discardedAt ? (
                                <Badge variant="secondary">discarded {dateTime(d.discardedAt)}</Badge>
                              ) : d.resolvedAt ? (
                                <Badge variant="success">resolved {dateTime(d.resolvedAt)}</Badge>
                              ) : d.held ? (
                                <Badge variant="outline">waiting in stream</Badge>
                              ) : (
                                <Badge variant="destructive">open</Badge>
                              )}
                            </TableCell>
                            {isAdmin ? (
                              <TableCell>
                                {d.resolvedAt ? null : (
                                  <div className="flex items-start gap-2">
                                    {d.held ? null : <RetryButton id={d.id} label={`Retry dead letter ${d.id}`} />}
                                    <DiscardForm id={d.id} position={d.position} />
                                  </div>
                                )}
                              </TableCell>
                            ) : null}
                          </TableRow>
                        ))}
                      </Fragment>
                    );
                  })}
                </TableBody>
              </Table>
            )}
          </QueryStates>
        </CardContent>
      </Card>
    </>
  );
}
