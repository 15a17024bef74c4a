import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isRole } from '../../src/model/access/types';
import { userOfJwt } from '../../src/server/auth/jwt';
import { VerifiedKeys } from '../../src/server/auth/key-cache';
import { newKey, parseKey, verifySecret } from '../../src/server/auth/keys';
import { assertBindable, isLoopback } from '../../src/server/auth/local-mode';
import { parseAttributes } from '../../src/server/auth/users';

const SECRET = 'a-test-secret-of-enough-length-0123456789';

function sign(claims: Record<string, unknown>, secret = SECRET, expiresIn: string | null = '1h') {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  return (expiresIn === null ? jwt : jwt.setExpirationTime(expiresIn)).sign(new TextEncoder().encode(secret));
}

/** The error userOfJwt throws for a signed token whose claims it refuses. */
async function refusal(claims: Record<string, unknown>) {
  const error = await userOfJwt(await sign(claims), SECRET).then(
    () => undefined,
    (e: unknown) => e,
  );
  return error && typeof error === 'object'
    ? { code: (error as { code?: string }).code, details: (error as { details?: unknown }).details }
    : error;
}

describe('API keys', () => {
  it('a new key verifies against its own hash and salt, and nothing else does', async () => {
    const k = await newKey();
    const parsed = parseKey(k.key)!;
    expect(parsed.keyId).toBe(k.keyId);
    expect(k.key).not.toContain(k.hash);
    expect(await verifySecret(parsed.secret, k.salt, k.hash)).toBe(true);
    // One character changed in the secret, or another key's salt: no match.
    const flipped = (parsed.secret[0] === 'A' ? 'B' : 'A') + parsed.secret.slice(1);
    expect(await verifySecret(flipped, k.salt, k.hash)).toBe(false);
    const other = await newKey();
    expect(await verifySecret(parsed.secret, other.salt, k.hash)).toBe(false);
  });

  it('two keys never share an id, a salt or a hash', async () => {
    const [a, b] = [await newKey(), await newKey()];
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('parses only well-formed keys', () => {
    expect(parseKey('rk_0123456789abcdef_' + 'x'.repeat(43))).toEqual({
      keyId: '0123456789abcdef',
      secret: 'x'.repeat(43),
    });
    for (const bad of [
      '',
      'rk_',
      'rk_0123456789abcdef_short',
      'xx_0123456789abcdef_' + 'x'.repeat(43),
      "rk_0123456789abcdeg_' OR 1=1 --",
    ]) {
      expect(parseKey(bad)).toBeUndefined();
    }
  });

  it('reads --attr pairs and rejects malformed ones with a code', () => {
    expect(parseAttributes(['region=Western Europe', 'employee_id=E-7'])).toEqual({
      region: 'Western Europe',
      employee_id: 'E-7',
    });
    for (const bad of ['region', '=EU', 'region=', '1x=2']) {
      expect(() => parseAttributes([bad])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });
});

describe('verified keys', () => {
  it('remembers a verified key for its time to live only, and only that exact key', () => {
    let now = 1_000;
    const cache = new VerifiedKeys(60_000, 10, () => now);
    const ann = { name: 'ann', role: 'analyst' as const, attributes: { region: 'EU' } };
    cache.set('rk_a', ann);
    expect(cache.get('rk_a')).toEqual(ann);
    expect(cache.get('rk_b')).toBeUndefined();
    now += 59_999;
    expect(cache.get('rk_a')).toEqual(ann);
    now += 1;
    expect(cache.get('rk_a')).toBeUndefined();
  });
});

describe('JWT (HS256) for the Cube-compatible routes', () => {
  it('top-level claims become role and attributes', async () => {
    const user = await userOfJwt(
      await sign({ sub: 'ann', role: 'analyst', region: 'Western Europe', n: 3 }),
      SECRET,
    );
    expect(user).toEqual({ name: 'ann', role: 'analyst', attributes: { region: 'Western Europe', n: '3' } });
  });

  it('claims nested under u or securityContext count too', async () => {
    expect(await userOfJwt(await sign({ u: { role: 'marketer', region: 'North America' } }), SECRET)).toEqual(
      {
        name: 'jwt',
        role: 'marketer',
        attributes: { region: 'North America' },
      },
    );
    expect(
      (await userOfJwt(await sign({ securityContext: { role: 'executive', employee_id: 'E1' } }), SECRET))
        ?.attributes,
    ).toEqual({ employee_id: 'E1' });
  });

  it('rejects a wrong secret, an expired token, another algorithm and a missing or unknown role', async () => {
    expect(
      await userOfJwt(await sign({ role: 'admin' }, 'another-secret-of-enough-length-xyz'), SECRET),
    ).toBeUndefined();
    expect(await userOfJwt(await sign({ role: 'admin' }, SECRET, '-1s'), SECRET)).toBeUndefined();
    expect(await userOfJwt(await sign({ region: 'x' }), SECRET)).toBeUndefined();
    expect(await userOfJwt(await sign({ role: 'root' }), SECRET)).toBeUndefined();
    // alg "none": a header and payload without a signature.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(await userOfJwt(`${b64({ alg: 'none' })}.${b64({ role: 'admin' })}.`, SECRET)).toBeUndefined();
    expect(await userOfJwt('not a token', SECRET)).toBeUndefined();
  });

  it('rejects a token without an expiry: a leaked one would work forever', async () => {
    expect(await userOfJwt(await sign({ role: 'analyst' }, SECRET, null), SECRET)).toBeUndefined();
  });

  it('refuses attributes that are lists, objects, null, booleans or empty, instead of dropping them', async () => {
    // Dropped, the region would lift the region rule: the user would see every region.
    for (const region of [['Northern Europe'], { name: 'x' }, null, true, '', '  ']) {
      expect(await refusal({ role: 'analyst', region }), JSON.stringify(region)).toEqual({
        code: 'UNAUTHENTICATED',
        details: { claim: 'region' },
      });
    }
    expect(await refusal({ role: 'analyst', u: 'admin' })).toEqual({
      code: 'UNAUTHENTICATED',
      details: { claim: 'u' },
    });
  });

  it('refuses a claim given at the top level and nested with different values; equal ones are one claim', async () => {
    expect(await refusal({ region: 'Northern Europe', u: { role: 'admin', region: '' } })).toEqual({
      code: 'UNAUTHENTICATED',
      details: { claim: 'region' },
    });
    expect(await refusal({ role: 'analyst', securityContext: { role: 'admin' } })).toEqual({
      code: 'UNAUTHENTICATED',
      details: { claim: 'role' },
    });
    expect(await refusal({ u: { role: 'analyst' }, securityContext: { role: 'admin' } })).toEqual({
      code: 'UNAUTHENTICATED',
      details: { claim: 'role' },
    });
    expect(
      await userOfJwt(await sign({ role: 'analyst', region: 'EU', u: { region: 'EU' } }), SECRET),
    ).toEqual({
      name: 'jwt',
      role: 'analyst',
      attributes: { region: 'EU' },
    });
  });

  it('knows the four roles', () => {
    expect(['admin', 'analyst', 'marketer', 'executive', 'root'].map(isRole)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('local mode', () => {
  it('tells loopback hosts from others', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1'].some(isLoopback)).toBe(false);
  });

  it('refuses a non-loopback host without keys, allows it with keys', () => {
    expect(() => assertBindable(true, '0.0.0.0')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertBindable(true, '127.0.0.1')).not.toThrow();
    expect(() => assertBindable(false, '0.0.0.0')).not.toThrow();
  });
});
