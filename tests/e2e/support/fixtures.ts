/** An API client for seeding that lives as long as a spec file (usable in beforeAll). */
import type { PlaywrightWorkerArgs, TestInfo } from '@playwright/test';
import { Api } from './api';
import { createApiToken } from './staff';
import type { Role } from '@/server/auth/principal';

export async function apiFor(playwright: PlaywrightWorkerArgs['playwright'], testInfo: TestInfo, role: Role = 'admin') {
  const context = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const api = new Api(context, await createApiToken(role));
  return { api, dispose: () => context.dispose() };
}
