import { useEffect, useRef, type ReactNode } from 'react'

export function Dialog({
  title,
  onClose,
  children,
  testid,
  wide,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  testid?: string
  wide?: boolean
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className={`dialog ${wide ? 'dialog--wide' : ''}`}
      aria-label={title}
      data-testid={testid}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose()
      }}
    >
      <div className="dialog__body">
        <h2 className="dialog__title">{title}</h2>
        {children}
      </div>
    </dialog>
  )
}

export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  onConfirm,
  onClose,
  danger,
}: {
  title: string
  text: string
  confirmLabel: string
  onConfirm: () => void | Promise<void>
  onClose: () => void
  danger?: boolean
}) {
  return (
    <Dialog title={title} onClose={onClose} testid="confirm-dialog">
      <p>{text}</p>
      <div className="dialog__actions">
        <button className="button" onClick={onClose} data-testid="confirm-cancel">
          Cancel
        </button>
        <button
          className={`button ${danger ? 'button--danger' : 'button--primary'}`}
          autoFocus
          data-testid="confirm-ok"
          onClick={async () => {
            await onConfirm()
            onClose()
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
