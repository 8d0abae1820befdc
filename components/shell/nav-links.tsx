'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/client/cn';
import { useSession } from '@/lib/client/session';
import { isActive, navSections } from './nav-items';

/** The portal's sections; the current page is marked for assistive technology. */
export function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname() ?? '/';
  const { role } = useSession();
  return (
    <div className="grid gap-5">
      {navSections.map((section) => (
        <div key={section.title} className="grid gap-1">
          <p className="px-3 text-xs font-semibold tracking-wide text-muted-foreground uppercase">{section.title}</p>
          <ul className="grid gap-0.5">
            {section.items
              .filter((item) => !item.roles || item.roles.includes(role))
              .map((item) => {
                const active = isActive(pathname, item.href);
                const className = cn(
                  'flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring',
                  active && 'bg-secondary text-primary',
                );
                const Icon = item.icon;
                const content = (
                  <>
                    <Icon className="size-4" aria-hidden="true" />
                    {item.label}
                  </>
                );
                return (
                  <li key={item.href}>
                    {item.external ? (
                      <a href={item.href} className={className} onClick={onNavigate}>
                        {content}
                      </a>
                    ) : (
                      <Link href={item.href} className={className} aria-current={active ? 'page' : undefined} onClick={onNavigate}>
                        {content}
                      </Link>
                    )}
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </div>
  );
}
