/** Security headers for what proxy.ts does not see (static assets); see server/http/security-headers.ts. */
const staticHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['bullmq', 'ioredis', 'postgres', 'pino', 'prom-client', '@bull-board/api', '@bull-board/hono', '@bull-board/ui'],
  typedRoutes: false,
  // No `X-Powered-By: Next.js` (finding 4).
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/_next/static/:path*', headers: staticHeaders },
      { source: '/icon.svg', headers: staticHeaders },
    ];
  },
};
export default nextConfig;
