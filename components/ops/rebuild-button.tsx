'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { errorMessage } from '@/lib/client/errors';
import { Button } from '@/components/ui/button';

/**
 * Admin only: rebuild a projection from the event log; progress shows in the table. No confirmation:
 * a rebuild is safe, the old rows keep answering until the new ones are swapped in.
 */
export function RebuildButton({ name, busy }: { name: string; busy: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rebuild = useMutation(
    trpc.ops.rebuildProjection.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.ops.projections.queryKey() }),
    }),
  );
  return (
    <div className="grid gap-1">
      <Button
        variant="outline"
        size="sm"
        disabled={busy || rebuild.isPending}
        aria-label={`Rebuild ${name}`}
        onClick={() => rebuild.mutate({ name })}
      >
        <RefreshCw className={rebuild.isPending ? 'animate-spin' : undefined} aria-hidden="true" /> Rebuild
      </Button>
      {rebuild.isError ? (
        <span role="alert" className="max-w-48 text-xs text-destructive">
          {errorMessage(rebuild.error)}
        </span>
      ) : null}
    </div>
  );
}
