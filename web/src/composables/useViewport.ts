import { onBeforeUnmount, ref } from 'vue'

export const PHONE_QUERY = '(max-width: 767px)'

/** Whether the viewport is a phone's: files with channel `mobile` then, `web` otherwise. */
export function isPhoneViewport(): boolean {
  return window.matchMedia(PHONE_QUERY).matches
}

export function useIsPhone() {
  const mq = window.matchMedia(PHONE_QUERY)
  const isPhone = ref(mq.matches)
  const on = (e: MediaQueryListEvent) => (isPhone.value = e.matches)
  mq.addEventListener('change', on)
  onBeforeUnmount(() => mq.removeEventListener('change', on))
  return isPhone
}
