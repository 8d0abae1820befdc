'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useTRPC } from '@/lib/client/trpc';
import { newId } from '@/lib/client/uuid';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/input';
import { FormError } from '@/components/common/states';

/** Creates a user, then opens their profile at the returned position (read-your-writes). */
export function CreateUserForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: ({ userId, position }) => router.push(`/users/${userId}?p=${position}`),
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Create user</CardTitle>
      </CardHeader>
      <CardContent>
        <form
          aria-label="Create user"
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ email, name, commandId: newId() });
          }}
        >
          <FormError error={create.error} />
          <Field label="Name" htmlFor="new-user-name">
            <Input id="new-user-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoComplete="off" />
          </Field>
          <Field label="Email" htmlFor="new-user-email">
            <Input
              id="new-user-email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              maxLength={320}
              autoComplete="off"
            />
          </Field>
          <Button type="submit" disabled={create.isPending || create.isSuccess}>
            <UserPlus aria-hidden="true" /> {create.isPending ? 'Creating…' : 'Create user'}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
