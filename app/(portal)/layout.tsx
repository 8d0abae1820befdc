import { requireStaff } from '@/lib/server/current-staff';
import { Providers } from '@/lib/client/providers';
import { SessionProvider } from '@/lib/client/session';
import { AppShell } from '@/components/shell/app-shell';

export const dynamic = 'force-dynamic';

/** Every portal page: signed-in staff only, inside the shell, with the tRPC client. */
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const principal = await requireStaff();
  return (
    <Providers>
      <SessionProvider value={{ name: principal.name, role: principal.role }}>
        <AppShell>{children}</AppShell>
      </SessionProvider>
    </Providers>
  );
}
