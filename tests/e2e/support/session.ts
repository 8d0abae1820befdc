/** Signing in: through the form (what a person does) or by the same route with the page's request context. */
import { expect, type Page } from '@playwright/test';
import type { StaffLogin } from './staff';

export async function signInWithForm(page: Page, login: Pick<StaffLogin, 'email' | 'password'>) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in without the form (for specs about something else): the cookie lands in the page's context. */
export async function signIn(page: Page, login: Pick<StaffLogin, 'email' | 'password'>) {
  const res = await page.request.post('/api/auth/sign-in', { data: { email: login.email, password: login.password } });
  expect(res.status(), `sign-in as ${login.email}`).toBe(200);
}
