import { describe, expect, it } from 'vitest'
import { flushSync } from 'svelte'
import { LazyComponents, type ComponentModule } from './lazy.svelte'

const A = (() => {}) as unknown as ComponentModule['default']

/** A loader that resolves or fails when told, and counts its calls. */
function loader() {
  let settle!: { ok: (m: ComponentModule) => void; fail: (e: Error) => void }
  const l = {
    calls: 0,
    fn: () => {
      l.calls++
      return new Promise<ComponentModule>((ok, fail) => (settle = { ok, fail }))
    },
    ok: (m: ComponentModule) => settle.ok(m),
    fail: (e: Error) => settle.fail(e),
  }
  return l
}

describe('LazyComponents', () => {
  it('loads on first get, once, and hands out the component when it has arrived', async () => {
    const l = loader()
    const lazy = new LazyComponents({ keys: l.fn })
    expect(lazy.get('keys')).toBeUndefined()
    expect(lazy.get('keys')).toBeUndefined()
    expect(l.calls).toBe(1)
    l.ok({ default: A })
    await Promise.resolve()
    flushSync()
    expect(lazy.get('keys')).toBe(A)
    expect(l.calls).toBe(1)
  })

  it('says why a load failed, does not retry by itself, and loads on retry', async () => {
    const l = loader()
    const lazy = new LazyComponents({ guide: l.fn })
    lazy.get('guide')
    l.fail(new Error('Importing a module script failed.'))
    await Promise.resolve()
    await Promise.resolve()
    expect(lazy.error('guide')).toBe('Importing a module script failed.')
    expect(lazy.get('guide')).toBeUndefined()
    expect(l.calls).toBe(1)
    const again = lazy.retry('guide')
    expect(lazy.error('guide')).toBeUndefined()
    l.ok({ default: A })
    await again
    expect(lazy.get('guide')).toBe(A)
    expect(l.calls).toBe(2)
  })
})
