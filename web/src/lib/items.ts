import { reactive } from 'vue'
import { api, unwrap, type Schemas } from '../api/client'
import { pick } from '../i18n'

// Catalog items by id, fetched once each: case lists carry only the item id.
const cache = reactive<Record<string, Schemas['CatalogItem'] | null>>({})
const pending = new Map<string, Promise<Schemas['CatalogItem'] | null>>()

export function loadItem(itemId: string, version?: number): Promise<Schemas['CatalogItem'] | null> {
  const key = version ? `${itemId}@${version}` : itemId
  if (!pending.has(key)) {
    pending.set(
      key,
      unwrap(api.GET('/catalog/items/{itemId}', { params: { path: { itemId }, query: version ? { version } : {} } }))
        .then((it) => (cache[key] = it))
        .catch(() => (cache[key] = null)),
    )
  }
  return pending.get(key)!
}

/** The item's name in the current locale (its id until loaded). */
export function itemName(itemId: string): string {
  const it = cache[itemId]
  if (it === undefined) void loadItem(itemId)
  return it ? pick(it.nameZh, it.nameEn) : itemId
}
