import Trix from 'trix'
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { documentHTML } from '../lib/trixHTML'
import { api } from '../pb'
import { bodyToTrix, mentionAttachment, mentionQuery, trixToBody } from '../lib/mentions'
import type { Member, Message } from '../types'
import { Avatar } from './Avatar'
import {
  IconBold,
  IconBullets,
  IconClose,
  IconPaperclip,
  IconCode,
  IconHeading,
  IconItalic,
  IconLink,
  IconNumbers,
  IconQuote,
  IconSend,
  IconStrike,
} from './Icons'

const TYPING_EVERY_MS = 3000
const UNFURL_AFTER_MS = 500

interface Preview {
  url: string
  title?: string
  description?: string
  image?: string
}

function firstLink(text: string): string | null {
  const m = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/i.exec(text)
  return m ? m[0] : null
}

interface MentionState {
  query: string
  pos: number
  items: Member[]
  index: number
}

export interface ComposerProps {
  roomId: string
  placeholder: string
  editing: Message | null
  onSend: (body: string, text: string, previewURL?: string) => void
  onFiles: (files: File[]) => void
  onSaveEdit: (id: string, body: string) => Promise<void>
  onCancelEdit: () => void
  onEditLast: () => void
  onTyping: (typing: boolean) => void
  loadMembers: () => Promise<Member[]>
}

function isEmpty(editor: TrixEditor): boolean {
  const doc = editor.getDocument()
  return doc.toString().trim() === '' && doc.getAttachments().length === 0
}

export function Composer(props: ComposerProps) {
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '')
  const toolbarId = `composer-toolbar-${uid}`
  const wrapRef = useRef<HTMLDivElement>(null)
  const editorRef = useRef<TrixEditorElement | null>(null)
  const propsRef = useRef(props)
  propsRef.current = props
  const [showTools, setShowTools] = useState(false)
  const [mention, setMention] = useState<MentionState | null>(null)
  const mentionRef = useRef<MentionState | null>(null)
  mentionRef.current = mention
  const [preview, setPreview] = useState<Preview | null>(null)
  const previewRef = useRef<Preview | null>(null)
  previewRef.current = preview
  const dismissed = useRef<Set<string>>(new Set())
  const unfurlTimer = useRef<number | undefined>(undefined)
  const unfurlFor = useRef('')
  const fileInput = useRef<HTMLInputElement>(null)
  const lastTyping = useRef(0)
  const typingOn = useRef(false)

  const editor = () => editorRef.current?.editor

  const stopTyping = useCallback(() => {
    if (typingOn.current) {
      typingOn.current = false
      lastTyping.current = 0
      propsRef.current.onTyping(false)
    }
  }, [])

  const clear = useCallback(() => {
    editor()?.loadHTML('')
    setMention(null)
    setPreview(null)
    unfurlFor.current = ''
    window.clearTimeout(unfurlTimer.current)
  }, [])

  // Link previews: the first http(s) link of the draft, after a pause in typing.
  const scheduleUnfurl = useCallback(() => {
    window.clearTimeout(unfurlTimer.current)
    unfurlTimer.current = window.setTimeout(() => {
      const ed = editor()
      if (!ed || propsRef.current.editing) return
      const url = firstLink(ed.getDocument().toString())
      if (!url || dismissed.current.has(url)) {
        if (!url) setPreview(null)
        return
      }
      if (unfurlFor.current === url) return
      unfurlFor.current = url
      api<Preview | undefined>('/api/campfire/unfurl', { method: 'POST', body: { url } })
        .then((r) => {
          if (unfurlFor.current !== url) return
          setPreview(r && (r.title || r.description) ? { ...r, url } : null)
        })
        .catch(() => {
          if (unfurlFor.current === url) setPreview(null)
        })
    }, UNFURL_AFTER_MS)
  }, [])

  const submit = useCallback(async () => {
    const ed = editor()
    const el = editorRef.current
    if (!ed || !el) return
    if (isEmpty(ed)) return
    const html = trixToBody(documentHTML(ed.getDocument()))
    const text = ed.getDocument().toString().replace(/\uFFFC/g, '').trim()
    const p = propsRef.current
    if (p.editing) {
      try {
        await p.onSaveEdit(p.editing.id, html)
        clear()
      } catch {
        // the caller shows the error; keep the text
      }
      return
    }
    const previewURL = previewRef.current?.url
    stopTyping()
    clear()
    p.onSend(html, text, previewURL)
  }, [clear, stopTyping])

  const insertMention = useCallback((m: Member) => {
    const ed = editor()
    const st = mentionRef.current
    if (!ed || !st) return
    ed.setSelectedRange([st.pos - st.query.length - 1, st.pos])
    ed.insertAttachment(new Trix.Attachment(mentionAttachment(m.id, m.name)))
    ed.insertString(' ')
    setMention(null)
    editorRef.current?.focus()
  }, [])

  const updateMention = useCallback(async () => {
    const ed = editor()
    if (!ed) return
    const [start, end] = ed.getSelectedRange()
    if (start !== end) return setMention(null)
    const before = ed.getDocument().toString().slice(0, start)
    const q = mentionQuery(before)
    if (q === null) return setMention(null)
    const members = await propsRef.current.loadMembers()
    const needle = q.toLocaleLowerCase()
    const items = members
      .filter((m) => m.name.toLocaleLowerCase().includes(needle))
      .sort((a, b) => {
        const as = a.name.toLocaleLowerCase().startsWith(needle) ? 0 : 1
        const bs = b.name.toLocaleLowerCase().startsWith(needle) ? 0 : 1
        return as - bs || a.name.localeCompare(b.name)
      })
      .slice(0, 8)
    if (items.length === 0) return setMention(null)
    setMention((prev) => ({ query: q, pos: start, items, index: prev && prev.query === q ? Math.min(prev.index, items.length - 1) : 0 }))
  }, [])

  // Trix events and keyboard handling.
  useEffect(() => {
    const el = editorRef.current
    const wrap = wrapRef.current
    if (!el || !wrap) return
    const onChange = () => {
      const ed = editor()
      if (!ed) return
      if (isEmpty(ed)) {
        stopTyping()
      } else if (!propsRef.current.editing) {
        const now = Date.now()
        if (now - lastTyping.current > TYPING_EVERY_MS) {
          lastTyping.current = now
          typingOn.current = true
          propsRef.current.onTyping(true)
        }
      }
      void updateMention()
      scheduleUnfurl()
    }
    const onSelection = () => void updateMention()
    // Files dropped or pasted into the editor post at once as their own messages.
    const onFileAccept = (e: Event) => {
      e.preventDefault()
      const file = (e as Event & { file?: File }).file
      if (file) propsRef.current.onFiles([file])
    }
    const onBlur = () => {
      stopTyping()
      window.setTimeout(() => setMention(null), 150)
    }
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing) return
      const st = mentionRef.current
      if (st) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault()
          e.stopPropagation()
          const d = e.key === 'ArrowDown' ? 1 : -1
          setMention({ ...st, index: (st.index + d + st.items.length) % st.items.length })
          return
        }
        if (e.key === 'Enter' || e.key === 'Tab') {
          e.preventDefault()
          e.stopPropagation()
          insertMention(st.items[st.index])
          return
        }
        if (e.key === 'Escape') {
          e.preventDefault()
          e.stopPropagation()
          setMention(null)
          return
        }
      }
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault()
        e.stopPropagation()
        void submit()
        return
      }
      if (e.key === 'Escape' && propsRef.current.editing) {
        e.preventDefault()
        e.stopPropagation()
        clear()
        propsRef.current.onCancelEdit()
        return
      }
      if (e.key === 'ArrowUp' && !e.shiftKey && !propsRef.current.editing) {
        const ed = editor()
        if (ed && isEmpty(ed)) {
          e.preventDefault()
          e.stopPropagation()
          propsRef.current.onEditLast()
        }
      }
    }
    el.addEventListener('trix-change', onChange)
    el.addEventListener('trix-selection-change', onSelection)
    el.addEventListener('trix-file-accept', onFileAccept)
    el.addEventListener('blur', onBlur)
    wrap.addEventListener('keydown', onKeyDown, true)
    return () => {
      el.removeEventListener('trix-change', onChange)
      el.removeEventListener('trix-selection-change', onSelection)
      el.removeEventListener('trix-file-accept', onFileAccept)
      el.removeEventListener('blur', onBlur)
      wrap.removeEventListener('keydown', onKeyDown, true)
    }
  }, [clear, insertMention, scheduleUnfurl, stopTyping, submit, updateMention])

  // Load the message being edited.
  useEffect(() => {
    const el = editorRef.current
    if (!el || !props.editing) return
    const load = () => {
      const ed = el.editor
      if (!ed) return
      ed.loadHTML(bodyToTrix(props.editing!.body))
      const len = ed.getDocument().toString().length
      ed.setSelectedRange(Math.max(0, len - 1))
      el.focus()
    }
    if (el.editor) load()
    else el.addEventListener('trix-initialize', load, { once: true })
  }, [props.editing])

  // Focus on room change; stop typing when leaving.
  useEffect(() => {
    const el = editorRef.current
    if (el) {
      if (el.editor) el.focus()
      else el.addEventListener('trix-initialize', () => el.focus(), { once: true })
    }
    return () => stopTyping()
  }, [props.roomId, stopTyping])

  return (
    <div className={`composer ${props.editing ? 'composer--editing' : ''}`} ref={wrapRef} data-testid="composer">
      {props.editing && (
        <div className="composer__editing" data-testid="editing-banner">
          Editing message · <kbd>Enter</kbd> to save · <kbd>Esc</kbd> to cancel
          <button
            type="button"
            className="link-button"
            onClick={() => {
              clear()
              props.onCancelEdit()
            }}
            data-testid="cancel-edit"
          >
            Cancel
          </button>
        </div>
      )}
      {mention && (
        <ul className="mention-menu" role="listbox" aria-label="Mention someone" data-testid="mention-menu">
          {mention.items.map((m, i) => (
            <li
              key={m.id}
              role="option"
              aria-selected={i === mention.index}
              className={`mention-menu__item ${i === mention.index ? 'mention-menu__item--active' : ''}`}
              data-testid="mention-option"
              data-user-id={m.id}
              onMouseDown={(e) => {
                e.preventDefault()
                insertMention(m)
              }}
              onMouseEnter={() => setMention({ ...mention, index: i })}
            >
              <Avatar user={m} size={22} />
              <span>{m.name}</span>
              {m.role === 'bot' && <span className="tag tag--bot">BOT</span>}
            </li>
          ))}
        </ul>
      )}
      {preview && (
        <div className="unfurl" data-testid="unfurl-card">
          {preview.image && <img className="unfurl__image" src={preview.image} alt="" />}
          <div className="unfurl__text">
            <strong className="unfurl__title">{preview.title || preview.url}</strong>
            {preview.description && <span className="unfurl__description">{preview.description}</span>}
          </div>
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label="Remove the preview"
            onClick={() => {
              dismissed.current.add(preview.url)
              setPreview(null)
            }}
            data-testid="unfurl-dismiss"
          >
            <IconClose />
          </button>
        </div>
      )}
      <div id={toolbarId} className={`toolbar ${showTools ? '' : 'toolbar--hidden'}`} data-testid="composer-toolbar">
        <div className="toolbar__group">
          <button type="button" className="toolbar__button" data-trix-attribute="bold" data-trix-key="b" title="Bold" aria-label="Bold" tabIndex={-1}>
            <IconBold />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="italic" data-trix-key="i" title="Italic" aria-label="Italic" tabIndex={-1}>
            <IconItalic />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="strike" title="Strikethrough" aria-label="Strikethrough" tabIndex={-1}>
            <IconStrike />
          </button>
          <button
            type="button"
            className="toolbar__button"
            data-trix-attribute="href"
            data-trix-action="link"
            data-trix-key="k"
            title="Link"
            aria-label="Link"
            tabIndex={-1}
          >
            <IconLink />
          </button>
        </div>
        <div className="toolbar__group">
          <button type="button" className="toolbar__button" data-trix-attribute="heading1" title="Heading" aria-label="Heading" tabIndex={-1}>
            <IconHeading />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="quote" title="Quote" aria-label="Quote" tabIndex={-1}>
            <IconQuote />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="code" title="Code" aria-label="Code" tabIndex={-1}>
            <IconCode />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="bullet" title="Bulleted list" aria-label="Bulleted list" tabIndex={-1}>
            <IconBullets />
          </button>
          <button type="button" className="toolbar__button" data-trix-attribute="number" title="Numbered list" aria-label="Numbered list" tabIndex={-1}>
            <IconNumbers />
          </button>
        </div>
        <div className="toolbar__dialogs" data-trix-dialogs="">
          <div className="toolbar__dialog" data-trix-dialog="href" data-trix-dialog-attribute="href">
            <input type="url" name="href" className="input input--small" placeholder="https://…" aria-label="Link address" required data-trix-input="" />
            <input type="button" className="button button--small" value="Link" data-trix-method="setAttribute" />
            <input type="button" className="button button--small" value="Unlink" data-trix-method="removeAttribute" />
          </div>
        </div>
      </div>
      <div className="composer__row">
        <button
          type="button"
          className={`icon-button composer__format ${showTools ? 'icon-button--on' : ''}`}
          aria-label="Formatting"
          aria-pressed={showTools}
          title="Formatting"
          onClick={() => setShowTools((v) => !v)}
          data-testid="toggle-toolbar"
        >
          <span className="composer__aa" aria-hidden="true">
            Aa
          </span>
        </button>
        <trix-editor
          ref={editorRef as never}
          toolbar={toolbarId}
          className="composer__editor"
          placeholder={props.placeholder}
          aria-label="Message"
          data-testid="composer-input"
        />
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            const files = Array.from(e.target.files ?? [])
            e.target.value = ''
            if (files.length) props.onFiles(files)
          }}
          data-testid="file-input"
        />
        <button
          type="button"
          className="icon-button composer__attach"
          aria-label="Attach a file"
          title="Attach a file"
          onClick={() => fileInput.current?.click()}
          data-testid="attach"
        >
          <IconPaperclip />
        </button>
        <button type="button" className="icon-button composer__send" aria-label="Send" title="Send (Enter)" onClick={() => void submit()} data-testid="send">
          <IconSend />
        </button>
      </div>
    </div>
  )
}
