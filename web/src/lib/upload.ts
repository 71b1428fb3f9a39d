import type { Schemas } from '../api/client'

/** Posts a file to a presigned S3 POST (the grant from POST /applications/{id}/materials),
 * reporting progress 0-100. Resolves on 2xx; rejects with S3's error code otherwise. */
export function uploadToS3(
  grant: Schemas['MaterialUploadResponse'],
  file: File,
  onProgress: (percent: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData()
    for (const [k, v] of Object.entries(grant.fields)) body.append(k, v)
    body.append('file', file)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', grant.url)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100)
        resolve()
      } else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1]
        reject(new Error(code ? `${code} (${xhr.status})` : `HTTP ${xhr.status}`))
      }
    }
    xhr.onerror = () => reject(new Error('network error'))
    xhr.send(body)
  })
}
