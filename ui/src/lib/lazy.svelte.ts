import type { Component } from 'svelte'

/** What `import('./X.svelte')` resolves to. */
export type ComponentModule = { default: Component<any> }

/**
 * Components loaded on first use, so that start-up parses only the code of what it shows (the
 * window's first paint waits for the script; the other screens' code is most of it).
 *
 * `get(name)` starts loading `name` the first time it is asked for and returns `undefined` until
 * it has arrived; it is reactive, so a template that asked renders it once it is there.
 * `error(name)` says why a component could not be loaded (the message of the failed import),
 * and `retry(name)` tries once more. Asking again while it loads does not start a second load.
 */
export class LazyComponents<K extends string> {
  #loaders: Record<K, () => Promise<ComponentModule>>
  #loaded = $state<Partial<Record<K, Component<any>>>>({})
  #errors = $state<Partial<Record<K, string>>>({})
  #loading = new Set<K>()

  constructor(loaders: Record<K, () => Promise<ComponentModule>>) {
    this.#loaders = loaders
  }

  /** The component, or `undefined` while it loads (or after it failed: see [`error`]). */
  get(name: K): Component<any> | undefined {
    const have = this.#loaded[name]
    if (!have && this.#errors[name] === undefined) void this.load(name)
    return have
  }

  /** Start loading `name` (a no-op if it is loaded or loading); resolves when it is settled. */
  load(name: K): Promise<void> {
    if (this.#loaded[name] || this.#loading.has(name)) return Promise.resolve()
    this.#loading.add(name)
    return this.#loaders[name]().then(
      (m) => {
        this.#loading.delete(name)
        delete this.#errors[name]
        this.#loaded[name] = m.default
      },
      (e: unknown) => {
        this.#loading.delete(name)
        this.#errors[name] = e instanceof Error ? e.message : String(e)
      },
    )
  }

  /** Forget a failure and load `name` again. */
  retry(name: K): Promise<void> {
    delete this.#errors[name]
    return this.load(name)
  }

  /** Why `name` could not be loaded the last time it was tried, if it could not. */
  error(name: K): string | undefined {
    return this.#errors[name]
  }
}
