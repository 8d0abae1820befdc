import Link from 'next/link';
import { EmptyState } from '@/components/common/states';

export default function NotFound() {
  return (
    <div className="grid gap-4">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <EmptyState title="There is nothing at this address.">
        <Link href="/" className="text-primary hover:underline">
          Back to the dashboard
        </Link>
      </EmptyState>
    </div>
  );
}
