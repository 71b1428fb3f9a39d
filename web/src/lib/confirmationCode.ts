/**
 * The API's refusals of a confirmation code (帮办代办), worded in the page's language. The API
 * names the field (`code`) but says why only in its English message: a wrong code with the
 * tries left ("… (4 attempt(s) left)"), an expired or exhausted code, a declined filing, a
 * code asked for again within the minute ("send another in 42 s"). What is not recognised is
 * shown as the API sent it.
 */
type Translate = (key: string, params?: Record<string, unknown>) => string

export function codeProblem(t: Translate, message: string): string {
  const left = /\((\d+) attempt/.exec(message)
  if (left) return t('assist.code.wrong', { n: Number(left[1]) })
  const wait = /another in (\d+) s/.exec(message)
  if (wait) return t('assist.code.wait', { s: Number(wait[1]) })
  if (/expired/i.test(message)) return t('assist.code.expired')
  if (/too many/i.test(message)) return t('assist.code.tooMany')
  if (/declined/i.test(message)) return t('assist.code.declined')
  return message
}
