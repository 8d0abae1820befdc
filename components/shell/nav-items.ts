import {
  BarChart3,
  BookOpen,
  ChartNoAxesCombined,
  Boxes,
  Gauge,
  LayoutDashboard,
  ListTree,
  Mailbox,
  ShoppingCart,
  Users,
  Workflow,
} from 'lucide-react';
import type { Role } from '@/lib/client/session';

export interface NavItem {
  href: string;
  label: string;
  icon: typeof Users;
  /** Served outside the React app (a plain link, full page load). */
  external?: boolean;
  roles?: Role[];
}

export const navSections: { title: string; items: NavItem[] }[] = [
  {
    title: 'Business',
    items: [
      { href: '/', label: 'Dashboard', icon: LayoutDashboard },
      { href: '/users', label: 'Users', icon: Users },
      { href: '/orders', label: 'Orders', icon: ShoppingCart },
      { href: '/catalog', label: 'Catalog', icon: Boxes },
      { href: '/reports', label: 'Reports', icon: BarChart3 },
      { href: '/analytics', label: 'Analytics', icon: ChartNoAxesCombined },
    ],
  },
  {
    title: 'Operations',
    items: [
      { href: '/ops/projections', label: 'Projections', icon: Gauge },
      { href: '/ops/events', label: 'Events', icon: ListTree },
      { href: '/ops/dead-letters', label: 'Dead letters', icon: Mailbox },
      { href: '/admin/queues', label: 'Queues', icon: Workflow, external: true, roles: ['admin'] },
    ],
  },
];

export const brandIcon = BookOpen;

export function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
