import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Ledgerline', template: '%s · Ledgerline' },
  description: 'Ledgerline staff portal',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/**
 * Rendered per request (connection()): every page then carries the nonce of its own CSP, which
 * Next puts on its scripts (proxy.ts); a page prerendered at build time would have none.
 */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh antialiased">{children}</body>
    </html>
  );
}
