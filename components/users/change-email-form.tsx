'use client';

import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { newId } from '@/lib/client/uuid';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { FormError } from '@/components/common/states';

/** Changes a user's email; `onWritten` gets the command's position for read-your-writes. */
export function ChangeEmailForm({
  userId,
  currentEmail,
  onWritten,
}: {
  userId: string;
  currentEmail: string;
  onWritten: (position: number) => void;
}) {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const update = useMutation(
    trpc.users.updateEmail.mutationOptions({
      onSuccess: ({ position }) => {
        setEmail('');
        onWritten(position);
      },
    }),
  );
  return (
    <form
      aria-label="Change email"
      className="grid gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ userId, email, commandId: newId() });
      }}
    >
      <FormError error={update.error} />
      {update.isSuccess ? <Alert variant="success">Email change recorded.</Alert> : null}
      <Field label="New email" htmlFor="change-email" hint={`Currently ${currentEmail}`}>
        <Input
          id="change-email"
          type="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            update.reset();
          }}
          required
          maxLength={320}
          autoComplete="off"
        />
      </Field>
      <Button type="submit" variant="secondary" disabled={update.isPending || !email.trim()}>
        {update.isPending ? 'Saving…' : 'Change email'}
      </Button>
    </form>
  );
}
