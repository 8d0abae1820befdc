/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    'bullmq', 'ioredis', 'postgres', 'pino', 'prom-client',
    '@bull-board/api', '@bull-board/hono', '@bull-board/ui',
  ],
  typedRoutes: false,
};
export default nextConfig;
