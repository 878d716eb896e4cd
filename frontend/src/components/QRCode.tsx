import { useEffect, useState } from 'react'
import { toDataURL } from 'qrcode'

/** A QR code for a link, drawn into a data: URL image (the CSP allows img data:). */
export function QRCode({ value, size = 192, testid }: { value: string; size?: number; testid?: string }) {
  const [src, setSrc] = useState('')
  useEffect(() => {
    let live = true
    toDataURL(value, { width: size, margin: 1, errorCorrectionLevel: 'M' })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(''))
    return () => {
      live = false
    }
  }, [value, size])
  if (!src) return null
  return <img className="qr-code" src={src} width={size} height={size} alt={`QR code for ${value}`} data-testid={testid} />
}

/** A "Show QR code" toggle with the code under it. */
export function QRToggle({ value, testid }: { value: string; testid: string }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button--small qr-toggle" aria-expanded={open} onClick={() => setOpen(!open)} data-testid={`${testid}-toggle`}>
        {open ? 'Hide QR code' : 'Show QR code'}
      </button>
      {open && <QRCode value={value} testid={testid} />}
    </>
  )
}
