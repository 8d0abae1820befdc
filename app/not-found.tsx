import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 p-4 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-muted-foreground">There is nothing at this address.</p>
      <Link href="/" className="text-primary hover:underline">
        Go to the dashboard
      </Link>
    </main>
  );
}
