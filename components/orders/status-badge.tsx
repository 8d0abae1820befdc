import { Badge } from '@/components/ui/badge';

const variants = { pending: 'warning', paid: 'info', completed: 'success', cancelled: 'destructive' } as const;

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const variant = variants[status as keyof typeof variants] ?? 'secondary';
  return (
    <Badge variant={variant} data-testid={testId} data-status={status}>
      {status}
    </Badge>
  );
}
