'use client';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Alert variant="destructive">
      <AlertTitle>This page failed to load</AlertTitle>
      <AlertDescription className="grid gap-2">
        <p>{error.digest ? `Error reference ${error.digest}.` : error.message}</p>
        <div>
          <Button variant="outline" size="sm" onClick={reset}>
            Try again
          </Button>
        </div>
      </AlertDescription>
    </Alert>
  );
}
