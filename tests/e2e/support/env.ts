/** What playwright.config.ts chose for this run; its worker processes inherit the same values. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through playwright.config.ts`);
  return value;
}

export const e2e = {
  databaseUrl: required('LL_E2E_DATABASE_URL'),
  sessionSecret: required('LL_E2E_SESSION_SECRET'),
  adminEmail: required('LL_E2E_ADMIN_EMAIL'),
  adminPassword: required('LL_E2E_ADMIN_PASSWORD'),
};

/** A short random suffix, so names made by one spec never collide with another's. */
export const unique = () => Math.random().toString(36).slice(2, 8);
