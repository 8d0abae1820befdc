# Ledgerline: one image for the web tier (default command) and the worker (`npm run worker`).
FROM node:20-bookworm-slim

ENV NEXT_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /app

# patches/ before npm ci: its postinstall applies them (patch-package).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build && chown -R node:node /app/.next

ENV NODE_ENV=production \
    PORT=3000
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

# Applies migrations, creates the first admin if there is no staff, then serves the API on node:http and the rest through Next.
CMD ["npm", "start"]
