import { describe, expect, it } from 'vitest';
import { hostArgOf, socketOf } from '@/db/pg-url';

describe("libpq's Unix socket form of a connection URL (db/postgres-at.ts)", () => {
  it('takes the socket directory out of the URL and names the socket of the port', () => {
    expect(socketOf('postgres://postgres@localhost/ledgerline?host=/var/run/postgresql')).toEqual({
      url: 'postgres://postgres@localhost/ledgerline',
      path: '/var/run/postgresql/.s.PGSQL.5432',
    });
    expect(socketOf('postgres://app:secret@localhost:6543/shop?host=/tmp/&sslmode=disable')).toEqual({
      url: 'postgres://app:secret@localhost:6543/shop?sslmode=disable',
      path: '/tmp/.s.PGSQL.6543',
    });
  });

  it("reads libpq's form without a host name, and refuses several directories", () => {
    expect(socketOf('postgres://app@/shop?host=/var/run/postgresql')).toEqual({
      url: 'postgres://app@localhost/shop',
      path: '/var/run/postgresql/.s.PGSQL.5432',
    });
    expect(socketOf('postgresql:///shop?host=%2Ftmp')).toEqual({ url: 'postgresql://localhost/shop', path: '/tmp/.s.PGSQL.5432' });
    expect(() => socketOf('postgres://u@localhost/db?host=/a,/b')).toThrow(/one socket directory/);
  });

  it('leaves a TCP URL (and a host parameter that is not a directory) as it is', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/ledgerline', 'postgres://u@h/db?host=db.internal', 'not a url'])
      expect(socketOf(url)).toEqual({ url });
  });

  it('gives libpq tools the socket directory, or the host name', () => {
    expect(hostArgOf('postgres://postgres@/test?host=/var/run/postgresql/')).toBe('/var/run/postgresql');
    expect(hostArgOf('postgres://postgres@127.0.0.1:5432/test')).toBe('127.0.0.1');
  });
});
