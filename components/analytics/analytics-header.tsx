'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/client/cn';
import { rangeQuery, type Comparison, type DayRange } from '@/lib/client/use-range-params';
import { PageHeader } from '@/components/common/page-header';
import { DateRangePicker } from '@/components/common/date-range';
import { CompareToggle } from './compare-toggle';

const tabs = [
  { href: '/analytics', label: 'Funnel & saga timing' },
  { href: '/analytics/products', label: 'Products' },
  { href: '/analytics/cohorts', label: 'Cohorts' },
];

/** Title, the analytics tabs (carrying the range along) and the range picker of every analytics page. */
export function AnalyticsHeader({
  title,
  description,
  range,
  onRange,
  compare,
  onCompare,
  actions,
}: {
  title: string;
  description: string;
  range: DayRange;
  onRange: (r: DayRange) => void;
  compare?: Comparison;
  onCompare?: (c: Comparison) => void;
  actions?: React.ReactNode;
}) {
  const pathname = usePathname();
  return (
    <div className="grid gap-4">
      <PageHeader title={title} description={description} actions={actions} />
      <nav aria-label="Analytics views" className="flex flex-wrap gap-1 border-b">
        {tabs.map((t) => {
          const active = t.href === '/analytics' ? pathname === t.href : pathname.startsWith(t.href);
          return (
            <Link
              key={t.href}
              href={`${t.href}?${rangeQuery(range)}`}
              aria-current={active ? 'page' : undefined}
              className={cn(
                '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
                active ? 'border-primary text-primary' : 'border-transparent text-muted-foreground hover:text-foreground',
              )}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>
      <div className="flex flex-wrap items-end gap-3">
        <DateRangePicker value={range} onChange={onRange} presets={[7, 30, 90, 365]} />
        {compare && onCompare ? <CompareToggle value={compare} onChange={onCompare} /> : null}
      </div>
    </div>
  );
}
