'use client';

import { useState } from 'react';
import { Loader2 } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';

const messages: Record<string, string> = {
  invalid: 'Email or password is not correct.',
  rate_limited: 'Too many sign-in attempts. Wait a few minutes and try again.',
  missing: 'Enter your email and password.',
  forbidden: 'This sign-in request came from another site.',
};

/**
 * Posts to /api/auth/sign-in with fetch to show errors in place; without JavaScript the same
 * form posts natively and the route handler redirects back here with ?error=.
 */
export function SignInForm({ next, initialError, signedOut }: { next: string; initialError?: string; signedOut?: boolean }) {
  const [error, setError] = useState<string | null>(initialError ? (messages[initialError] ?? messages.invalid!) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password'), next }),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; next?: string; error?: string; message?: string };
      if (res.ok && body.ok) {
        window.location.assign(body.next ?? next);
        return;
      }
      setError(body.message ?? messages[body.error ?? ''] ?? `Sign-in failed (HTTP ${res.status}).`);
    } catch {
      setError('Could not reach the server. Check your connection and try again.');
    }
    setPending(false);
  }

  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold">Sign in</h1>
        <CardDescription>Staff portal. Use the email and password of your staff account.</CardDescription>
      </CardHeader>
      <CardContent>
        <form method="post" action="/api/auth/sign-in" onSubmit={onSubmit} className="grid gap-4" noValidate>
          <input type="hidden" name="next" value={next} />
          {signedOut && !error ? <Alert variant="success">You have signed out.</Alert> : null}
          {error ? (
            <Alert variant="destructive" data-testid="sign-in-error">
              {error}
            </Alert>
          ) : null}
          <Field label="Email" htmlFor="email">
            <Input
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              aria-invalid={error ? true : undefined}
            />
          </Field>
          <Field label="Password" htmlFor="password">
            <Input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={error ? true : undefined}
            />
          </Field>
          <Button type="submit" disabled={pending} className="w-full">
            {pending ? <Loader2 className="animate-spin" aria-hidden="true" /> : null}
            {pending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
