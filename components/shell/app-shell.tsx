import Link from 'next/link';
import { AccountMenu } from './account-menu';
import { MobileNav } from './mobile-nav';
import { NavLinks } from './nav-links';
import { SystemAlerts } from './system-alerts';
import { BulkLoadBanner } from './bulk-load-banner';
import { brandIcon as Brand } from './nav-items';

export function AppShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_minmax(0,1fr)]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-card focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <aside className="hidden border-r bg-card md:block">
        <div className="sticky top-0 flex h-dvh flex-col gap-6 overflow-y-auto p-4">
          <Link href="/" className="flex items-center gap-2 px-3 text-lg font-semibold tracking-tight text-primary">
            <Brand className="size-5" aria-hidden="true" /> Ledgerline
          </Link>
          <nav aria-label="Main">
            <NavLinks />
          </nav>
        </div>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-40 flex h-14 items-center justify-between gap-2 border-b bg-card/95 px-3 backdrop-blur sm:px-6">
          <div className="flex items-center gap-1">
            <MobileNav />
            <Link href="/" className="text-base font-semibold text-primary md:hidden">
              Ledgerline
            </Link>
          </div>
          <AccountMenu />
        </header>
        <BulkLoadBanner />
        <SystemAlerts />
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto grid w-full max-w-7xl min-w-0 grid-cols-[minmax(0,1fr)] gap-6 p-3 focus:outline-none sm:p-6"
        >
          {children}
        </main>
      </div>
    </div>
  );
}
