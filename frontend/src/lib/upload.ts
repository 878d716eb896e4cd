// Uploads with progress: the SDK's fetch has no upload progress, so a multipart create goes
// through XMLHttpRequest with the same Authorization header and the same error shape.
import { ClientResponseError } from 'pocketbase'
import { pb } from '../pb'

export interface Upload<T> {
  done: Promise<T>
  abort: () => void
}

/** POSTs form data to a path of this server; onProgress gets 0..1 as the body goes out. */
export function uploadWithProgress<T>(path: string, data: FormData, onProgress: (fraction: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest()
  const url = pb.buildURL(path)
  const done = new Promise<T>((resolve, reject) => {
    const fail = (status: number, response: Record<string, unknown>, isAbort = false) => {
      if (status === 401 && pb.authStore.token) pb.authStore.clear()
      reject(new ClientResponseError({ url, status, response, isAbort }))
    }
    xhr.open('POST', url)
    if (pb.authStore.token) xhr.setRequestHeader('Authorization', pb.authStore.token)
    xhr.responseType = 'text'
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(1, e.loaded / e.total))
    }
    xhr.onload = () => {
      let body: Record<string, unknown> = {}
      try {
        body = xhr.responseText ? (JSON.parse(xhr.responseText) as Record<string, unknown>) : {}
      } catch {
        // not JSON: keep the empty body
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else fail(xhr.status, body)
    }
    xhr.onerror = () => fail(0, {})
    xhr.onabort = () => fail(0, {}, true)
    xhr.send(data)
  })
  return { done, abort: () => xhr.abort() }
}
