'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/lib/client/trpc';
import { useIsAdmin } from '@/lib/client/session';
import { count, dateTime, seconds } from '@/lib/client/format';
import { rebuildRate } from '@/lib/client/rebuild-rate';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { PageHeader } from '@/components/common/page-header';
import { EmptyState, QueryStates } from '@/components/common/states';
import { RebuildButton } from './rebuild-button';
import { ResumeButton } from './resume-button';

type Projection = RouterOutputs['ops']['projections']['data'][number];

const statusVariant = (s: string) =>
  s === 'running' ? 'success' : s === 'rebuilding' ? 'info' : s === 'failed' ? 'destructive' : 'secondary';

function RebuildProgress({ r }: { r: Projection['rebuild'] }) {
  if (!r) return <span className="text-muted-foreground">—</span>;
  const pct = r.total > 0 ? Math.min(100, Math.round((r.processed / r.total) * 100)) : r.state === 'done' ? 100 : 0;
  return (
    <div className="grid min-w-32 gap-1" data-testid="rebuild-progress">
      <span className="text-xs">
        {r.state} · {count(r.processed)}/{count(r.total)}
      </span>
      <RebuildSpeed r={r} />
      <progress className="h-1.5 w-full accent-primary" max={100} value={pct} aria-label={`Rebuild ${pct}%`} />
      {r.error ? <span className="text-xs text-destructive">{r.error}</span> : null}
    </div>
  );
}

/** Events per second and, while running, the time left at that rate. */
function RebuildSpeed({ r }: { r: NonNullable<Projection['rebuild']> }) {
  const { perSecond, etaSeconds } = rebuildRate(r, Date.now());
  if (perSecond === null) return null;
  return (
    <span className="text-xs text-muted-foreground" data-testid="rebuild-rate">
      {count(Math.round(perSecond))} events/s{etaSeconds !== null ? ` · ETA ${seconds(Math.ceil(etaSeconds))}` : ''}
    </span>
  );
}

export function ProjectionsView() {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const projections = useQuery({ ...trpc.ops.projections.queryOptions({}), refetchInterval: 2000 });
  const rows = projections.data?.data ?? [];

  return (
    <>
      <PageHeader title="Projections" description="Each read model's checkpoint against the head of the event log. Refreshes every 2 s." />
      <Card>
        <CardContent className="pt-4">
          <QueryStates
            query={projections}
            data={projections.data}
            loading={{ rows: 5, label: 'Loading projections…' }}
            isEmpty={() => rows.length === 0}
            empty={<EmptyState title="No projections have run yet" />}
          >
            {() => (
              <Table data-testid="projections-table">
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead className="text-right">Position</TableHead>
                    <TableHead className="text-right">Head</TableHead>
                    <TableHead className="text-right">Lag (events)</TableHead>
                    <TableHead className="text-right">Lag (time)</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead>Last error</TableHead>
                    <TableHead>Rebuild</TableHead>
                    {isAdmin ? (
                      <TableHead>
                        <span className="sr-only">Actions</span>
                      </TableHead>
                    ) : null}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.map((p) => (
                    <TableRow key={p.name} data-projection={p.name}>
                      <TableCell className="font-medium">
                        {p.name} <span className="text-xs text-muted-foreground">v{p.version}</span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{count(p.position)}</TableCell>
                      <TableCell className="text-right tabular-nums">{count(p.head)}</TableCell>
                      <TableCell className="text-right tabular-nums">{count(p.lagEvents)}</TableCell>
                      <TableCell className="text-right tabular-nums">{seconds(p.lagSeconds)}</TableCell>
                      <TableCell>
                        <Badge variant={statusVariant(p.status)}>{p.status}</Badge>
                        <div className="text-xs text-muted-foreground">{dateTime(p.updatedAt)}</div>
                      </TableCell>
                      <TableCell className="max-w-64 text-xs break-words text-destructive">
                        {p.lastError ?? <span className="text-muted-foreground">—</span>}
                      </TableCell>
                      <TableCell>
                        <RebuildProgress r={p.rebuild} />
                      </TableCell>
                      {isAdmin ? (
                        <TableCell>
                          <div className="flex flex-wrap gap-2">
                            {p.status === 'failed' ? <ResumeButton name={p.name} /> : null}
                            {p.name === 'order_saga' ? null : (
                              <RebuildButton name={p.name} busy={p.rebuild?.state === 'queued' || p.rebuild?.state === 'running'} />
                            )}
                          </div>
                        </TableCell>
                      ) : null}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </QueryStates>
        </CardContent>
      </Card>
    </>
  );
}
