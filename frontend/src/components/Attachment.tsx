import { useEffect, useRef, useState } from 'react'
import { fileToken, humanSize, IMAGE_TYPES, VIDEO_TYPES, withToken } from '../lib/files'
import type { Message } from '../types'
import { Dialog } from './Dialog'

/** An <img> of a protected file: keeps its src once loaded; on an error renews the token and retries once. */
function ProtectedImage({ url, token, alt, width, height, className, onClick }: {
  url: string
  token: string
  alt: string
  width?: number
  height?: number
  className?: string
  onClick?: () => void
}) {
  const [src, setSrc] = useState(() => withToken(url, token))
  const retried = useRef(false)
  useEffect(() => {
    if (!new URL(src, location.origin).searchParams.get('token') && token) setSrc(withToken(url, token))
  }, [token, url, src])
  return (
    <img
      className={className}
      src={src}
      alt={alt}
      width={width || undefined}
      height={height || undefined}
      loading="lazy"
      onClick={onClick}
      onError={() => {
        if (retried.current) return
        retried.current = true
        void fileToken(true).then((t) => setSrc(withToken(url, t)))
      }}
      data-testid="attachment-image"
    />
  )
}

function fit(w: number, h: number, maxW = 480, maxH = 320): { width: number; height: number } {
  if (!w || !h) return { width: 0, height: 0 }
  const k = Math.min(1, maxW / w, maxH / h)
  return { width: Math.round(w * k), height: Math.round(h * k) }
}

function FileIcon({ type }: { type: string }) {
  const label = type.includes('pdf') ? 'PDF' : type.startsWith('text/') ? 'TXT' : type.includes('zip') ? 'ZIP' : 'FILE'
  return (
    <svg viewBox="0 0 32 40" width="32" height="40" aria-hidden="true" className="file-card__icon">
      <path d="M3 2h18l8 8v28H3z" fill="var(--bg-sunken)" stroke="var(--line-strong)" strokeWidth="1.5" />
      <path d="M21 2v8h8" fill="none" stroke="var(--line-strong)" strokeWidth="1.5" />
      <text x="16" y="30" textAnchor="middle" fontSize="8" fontWeight="700" fill="var(--text-soft)">
        {label}
      </text>
    </svg>
  )
}

export function AttachmentView({ message: m, token }: { message: Message; token: string }) {
  const [lightbox, setLightbox] = useState(false)
  const type = m.attachment_type ?? ''
  const name = m.attachment_name || 'file'
  const url = m.attachment_url ?? ''
  const download = withToken(url, token, { download: '1' })
  if (m.thumb_url && IMAGE_TYPES.includes(type)) {
    const size = fit(m.attachment_width ?? 0, m.attachment_height ?? 0)
    return (
      <div className="attachment" data-testid="attachment" data-type={type}>
        <button type="button" className="attachment__image-button" onClick={() => setLightbox(true)} aria-label={`Open ${name}`}>
          <ProtectedImage
            url={type === 'image/gif' ? url : m.thumb_url}
            token={token}
            alt={name}
            width={size.width}
            height={size.height}
            className="attachment__image"
          />
        </button>
        {lightbox && (
          <Dialog title={name} onClose={() => setLightbox(false)} testid="lightbox" wide>
            <ProtectedImage url={url} token={token} alt={name} className="lightbox__image" />
            <div className="dialog__actions">
              <a className="button" href={download} download={name} data-testid="attachment-download">
                Download
              </a>
              <button className="button button--primary" onClick={() => setLightbox(false)}>
                Close
              </button>
            </div>
          </Dialog>
        )}
      </div>
    )
  }
  if (VIDEO_TYPES.includes(type)) {
    return (
      <div className="attachment" data-testid="attachment" data-type={type}>
        <video className="attachment__video" controls preload="metadata" src={withToken(url, token)} />
        <a className="attachment__name" href={download} download={name}>
          {name}
        </a>
      </div>
    )
  }
  if (type.startsWith('audio/')) {
    return (
      <div className="attachment" data-testid="attachment" data-type={type}>
        <audio controls preload="metadata" src={withToken(url, token)} />
        <a className="attachment__name" href={download} download={name}>
          {name}
        </a>
      </div>
    )
  }
  return (
    <a className="file-card" href={download} download={name} data-testid="attachment" data-type={type}>
      <FileIcon type={type} />
      <span className="file-card__text">
        <span className="file-card__name" data-testid="attachment-name">
          {name}
        </span>
        <span className="file-card__size">{humanSize(m.attachment_size)}</span>
      </span>
    </a>
  )
}

export function PreviewCard({ message: m, token }: { message: Message; token: string }) {
  if (!m.preview_url) return null
  return (
    <a className="preview-card" href={m.preview_url} target="_blank" rel="noopener noreferrer nofollow" data-testid="preview-card">
      {m.preview_image_url && <ProtectedImage url={m.preview_image_url} token={token} alt="" className="preview-card__image" />}
      <span className="preview-card__text">
        <span className="preview-card__title">{m.preview_title || m.preview_url}</span>
        {m.preview_description && <span className="preview-card__description">{m.preview_description}</span>}
        <span className="preview-card__url">{new URL(m.preview_url).host}</span>
      </span>
    </a>
  )
}

/** The card of a file still uploading (from the local File). */
export function PendingFile({ file }: { file: File }) {
  const [src, setSrc] = useState('')
  useEffect(() => {
    if (!IMAGE_TYPES.includes(file.type)) return
    const u = URL.createObjectURL(file)
    setSrc(u)
    return () => URL.revokeObjectURL(u)
  }, [file])
  return (
    <div className="file-card file-card--pending" data-testid="pending-file">
      {src ? <img className="file-card__thumb" src={src} alt="" /> : <FileIcon type={file.type} />}
      <span className="file-card__text">
        <span className="file-card__name">{file.name}</span>
        <span className="file-card__size">{humanSize(file.size)}</span>
      </span>
    </div>
  )
}
