import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/common/states';

/** A titled chart panel; `testId` is on the panel so tests and screenshots can find each chart. */
export function ChartCard({
  title,
  description,
  testId,
  empty,
  actions,
  children,
}: {
  title: string;
  description?: string;
  testId: string;
  empty?: boolean;
  actions?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Card data-testid={testId} aria-label={title} className="min-w-0">
      <CardHeader className={actions ? 'flex-row items-start justify-between gap-2' : undefined}>
        <div className="grid gap-1">
          <CardTitle>{title}</CardTitle>
          {description ? <CardDescription>{description}</CardDescription> : null}
        </div>
        {actions ? <div className="flex shrink-0 gap-2">{actions}</div> : null}
      </CardHeader>
      <CardContent>{empty ? <EmptyState title="No data for this range" /> : children}</CardContent>
    </Card>
  );
}

export const chartColors = {
  primary: 'var(--color-chart-1)',
  success: 'var(--color-chart-2)',
  warning: 'var(--color-chart-3)',
  danger: 'var(--color-chart-4)',
  grid: 'var(--color-border)',
  axis: 'var(--color-muted-foreground)',
};

/** Short axis labels for YYYY-MM-DD days: "03-14". */
export const dayTick = (day: unknown) => (typeof day === 'string' ? day.slice(5) : String(day));

/** Compact money for axes, in its currency: $1.2K, €3.4K. */
export const moneyTick = (amount: unknown, currency = 'USD') =>
  typeof amount === 'number'
    ? new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(amount)
    : String(amount);
