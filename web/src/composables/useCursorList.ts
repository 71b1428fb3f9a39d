import { ref, shallowRef, type Ref } from 'vue'
import { ApiProblem } from '../api/client'

/** One page of a list as the API answers it: its rows and the cursor of the next page. */
export interface CursorPage<T> {
  items: T[]
  nextCursor?: string | null
}

export interface CursorList<T> {
  /** Every row loaded so far, the pages appended in order. */
  items: Ref<T[]>
  /** The cursor of the next page (null: nothing more to load). */
  nextCursor: Ref<string | null>
  loading: Ref<boolean>
  /** Whether the first page has been answered (an empty list is then really empty). */
  loaded: Ref<boolean>
  problem: Ref<ApiProblem | null>
  /** Loads the first page again, dropping what was loaded (e.g. when the filters change). */
  reload: () => Promise<void>
  /** Appends the next page ("load more"). */
  more: () => Promise<void>
}

/**
 * A list read a page at a time with the API's `nextCursor`, shown as one growing list with a
 * "load more" button (how the portal's catalog and my cases page). `fetchPage(cursor)` asks
 * for the first page with no cursor. An answer that comes back after a newer `reload` (the
 * filters changed while it was on its way) is dropped, so rows of two queries never mix.
 */
export function useCursorList<T>(fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>): CursorList<T> {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const nextCursor = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  let generation = 0

  async function load(cursor: string | undefined, append: boolean): Promise<void> {
    const mine = ++generation
    loading.value = true
    problem.value = null
    try {
      const page = await fetchPage(cursor)
      if (mine !== generation) return
      items.value = append ? [...items.value, ...page.items] : page.items
      nextCursor.value = page.nextCursor ?? null
      loaded.value = true
    } catch (e) {
      if (mine !== generation) return
      problem.value = e instanceof ApiProblem ? e : new ApiProblem(0, 'error', String(e))
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function reload(): Promise<void> {
    items.value = []
    nextCursor.value = null
    loaded.value = false
    return load(undefined, false)
  }

  function more(): Promise<void> {
    if (!nextCursor.value || loading.value) return Promise.resolve()
    return load(nextCursor.value, true)
  }

  return { items, nextCursor, loading, loaded, problem, reload, more }
}
