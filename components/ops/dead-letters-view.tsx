'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import { useIsAdmin } from '@/lib/session';
import { dateTime } from '@/lib/format';
import { errorMessage } from '@/lib/errors';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { PageHeader } from '@/components/common/page-header';
import { EmptyState, ErrorState, LoadingBlock } from '@/components/common/states';

function RetryButton({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(trpc.ops.retryDeadLetter.mutationOptions({
    onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.ops.deadLetters.queryKey() }),
  }));
  return (
    <div className="grid gap-1">
      <Button size="sm" variant="outline" disabled={retry.isPending} onClick={() => retry.mutate({ id })} aria-label={`Retry dead letter ${id}`}>
        {retry.isPending ? 'Retrying…' : 'Retry'}
      </Button>
      {retry.isError ? <span role="alert" className="max-w-48 text-xs text-destructive">{errorMessage(retry.error)}</span> : null}
    </div>
  );
}

export function DeadLettersView() {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const letters = useQuery({ ...trpc.ops.deadLetters.queryOptions({}), refetchInterval: 5000 });
  const rows = letters.data?.data ?? [];
  return (
    <>
      <PageHeader title="Dead letters" description="Events a projection could not apply after its retries. Retrying re-applies from that position." />
      <Card>
        <CardContent className="pt-4">
          {letters.isError ? (
            <ErrorState error={letters.error} onRetry={() => letters.refetch()} />
          ) : letters.isPending ? (
            <LoadingBlock rows={4} label="Loading dead letters…" />
          ) : rows.length === 0 ? (
            <EmptyState title="No dead letters">Every event has been applied.</EmptyState>
          ) : (
            <Table data-testid="dead-letters-table">
              <TableHeader>
                <TableRow>
                  <TableHead>Id</TableHead><TableHead>Projection</TableHead><TableHead className="text-right">Position</TableHead><TableHead>Event</TableHead>
                  <TableHead>Error</TableHead><TableHead className="text-right">Attempts</TableHead><TableHead>Created</TableHead><TableHead>State</TableHead>
                  {isAdmin ? <TableHead><span className="sr-only">Actions</span></TableHead> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((d) => (
                  <TableRow key={d.id}>
                    <TableCell className="tabular-nums">{d.id}</TableCell>
                    <TableCell className="font-medium">{d.projection}</TableCell>
                    <TableCell className="text-right tabular-nums">{d.position}</TableCell>
                    <TableCell>{d.eventType}</TableCell>
                    <TableCell className="max-w-72 text-xs break-words">{d.error}</TableCell>
                    <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
                    <TableCell className="text-xs">{dateTime(d.createdAt)}</TableCell>
                    <TableCell>{d.resolvedAt ? <Badge variant="success">resolved {dateTime(d.resolvedAt)}</Badge> : <Badge variant="destructive">open</Badge>}</TableCell>
                    {isAdmin ? <TableCell>{d.resolvedAt ? null : <RetryButton id={d.id} />}</TableCell> : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
