// Service items as the console labels them: GET /catalog/items/{itemId} (public), once per
// item a sitting. The task page also reads the item's form fields and materials from it, to
// name what the applicant filed (the case holds values by field name and material code).
import { reactive } from 'vue'
import { api, unwrap, type Schemas } from '../api/client'
import { pick } from '../i18n'

export type CatalogItem = Schemas['CatalogItem']

const loading = new Map<string, Promise<CatalogItem | null>>()
const items = reactive(new Map<string, CatalogItem>())

export function loadItem(itemId: string): Promise<CatalogItem | null> {
  let p = loading.get(itemId)
  if (!p) {
    p = unwrap(api.GET('/catalog/items/{itemId}', { params: { path: { itemId } } }))
      .then((item) => {
        items.set(itemId, item)
        return item
      })
      .catch(() => {
        loading.delete(itemId) // try again next time; the code stands in meanwhile
        return null
      })
    loading.set(itemId, p)
  }
  return p
}

/** The item's name in the current locale once loaded, its code until then. */
export function itemName(itemId: string): string {
  const item = items.get(itemId)
  return item ? pick(item.nameZh, item.nameEn) : itemId
}
