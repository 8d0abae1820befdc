import { describe, expect, it } from 'vitest';
import { socketOf } from '@/db/postgres-at';

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

  it('leaves a TCP URL (and a host parameter that is not a directory) as it is', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/ledgerline', 'postgres://u@h/db?host=db.internal', 'not a url'])
      expect(socketOf(url)).toEqual({ url });
  });
});
