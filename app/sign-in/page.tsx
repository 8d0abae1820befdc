import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/server/current-staff';
import { safeNext } from '@/lib/server/safe-next';
import { SignInForm } from '@/components/auth/sign-in-form';

export const metadata: Metadata = { title: 'Sign in · Ledgerline' };
export const dynamic = 'force-dynamic';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(first(params.next));
  if (await currentPrincipal()) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center p-4">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-lg font-semibold tracking-tight text-primary">Ledgerline</p>
        <SignInForm next={next} initialError={first(params.error)} signedOut={first(params.signed_out) === '1'} />
      </div>
    </main>
  );
}
