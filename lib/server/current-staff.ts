import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { services } from '@/server/services';
import type { Principal } from '@/server/auth/principal';
import { safeNext } from './safe-next';
import { PATH_HEADER } from './path-header';

/** The signed-in staff member of this request (once per request), or null. */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  return services().principals.authenticate(await headers());
});

/** The signed-in staff member; a signed-out visitor is sent to /sign-in and brought back after. */
export async function requireStaff(): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) {
    const next = safeNext((await headers()).get(PATH_HEADER));
    redirect(next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`);
  }
  return principal;
}
