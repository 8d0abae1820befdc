'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { errorMessage } from '@/lib/client/errors';
import { Button } from '@/components/ui/button';

/** Admin only, for a halted projection once its fix is deployed: retry the event that stopped it and go on. */
export function ResumeButton({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resume = useMutation(
    trpc.ops.resumeProjection.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.ops.projections.queryKey() }),
    }),
  );
  return (
    <div className="grid gap-1">
      <Button variant="outline" size="sm" disabled={resume.isPending} aria-label={`Resume ${name}`} onClick={() => resume.mutate({ name })}>
        <Play aria-hidden="true" /> Resume
      </Button>
      {resume.isError ? (
        <span role="alert" className="max-w-48 text-xs text-destructive">
          {errorMessage(resume.error)}
        </span>
      ) : null}
    </div>
  );
}
