'use client';

import { LogOut } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { useSession } from '@/lib/client/session';

/** Who is signed in, their role, and a sign-out that works with or without JavaScript. */
export function AccountMenu() {
  const { name, role } = useSession();
  return (
    <div className="flex min-w-0 items-center gap-2">
      <div className="hidden min-w-0 flex-col items-end leading-tight sm:flex">
        <span className="truncate text-sm font-medium" data-testid="signed-in-as">
          {name}
        </span>
      </div>
      <Badge variant="secondary" data-testid="signed-in-role" aria-label={`Role: ${role}`}>
        {role}
      </Badge>
      <form method="post" action="/api/auth/sign-out">
        <Button type="submit" variant="outline" size="sm">
          <LogOut aria-hidden="true" />
          <span>Sign out</span>
        </Button>
      </form>
      <form method="post" action="/api/auth/sign-out" className="hidden md:block">
        <input type="hidden" name="everywhere" value="1" />
        <Button type="submit" variant="ghost" size="sm" title="End every session of yours, on every device">
          <span>Sign out everywhere</span>
        </Button>
      </form>
    </div>
  );
}
