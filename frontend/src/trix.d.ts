declare module 'trix' {
  const Trix: {
    config: Record<string, unknown> & {
      blockAttributes: Record<string, unknown>
      textAttributes: Record<string, unknown>
      attachments?: Record<string, unknown>
      toolbar?: Record<string, unknown>
    }
    Attachment: new (attrs: Record<string, unknown>) => TrixAttachment
  }
  export interface TrixAttachment {
    getAttributes(): Record<string, unknown>
  }
  export default Trix
}

interface TrixEditor {
  loadHTML(html: string): void
  insertHTML(html: string): void
  insertString(s: string): void
  insertAttachment(a: unknown): void
  getDocument(): { toString(): string; getAttachments(): unknown[] }
  getSelectedRange(): [number, number]
  setSelectedRange(r: [number, number] | number): void
  deleteInDirection(d: 'forward' | 'backward'): void
  getClientRectAtPosition(pos: number): DOMRect | undefined
  recordUndoEntry(name: string): void
  element: HTMLElement
}

interface TrixEditorElement extends HTMLElement {
  editor: TrixEditor
  value: string
  inputElement: HTMLInputElement | null
}

