import { memo, useCallback, useState } from 'react'
import hljs from 'highlight.js/lib/common'
import { isEmojiOnly } from '../lib/emoji'
import { fullLabel, parseDate, timeLabel } from '../lib/time'
import type { Pending } from '../lib/timeline'
import type { Boost, Message, User } from '../types'
import { Link, navigate } from '../router'
import { Avatar } from './Avatar'
import { AttachmentView, PendingFile, PreviewCard } from './Attachment'
import { IconLink, IconPencil, IconPlay, IconRetry, IconSmile, IconTrash } from './Icons'

export const QUICK_BOOSTS = ['👍', '❤️', '😂', '🎉', '👀', '🙏', '🔥', '✅']

function Body({ html, meId, className }: { html: string; meId: string; className: string }) {
  // Post-process the server-sanitized HTML: highlight my mentions and code
  // blocks, open external links in a new tab and permalinks in the app.
  const ref = useCallback(
    (el: HTMLDivElement | null) => {
      if (!el) return
      for (const span of el.querySelectorAll<HTMLElement>('.mention[data-user-id]')) {
        span.classList.toggle('mention--me', span.dataset.userId === meId)
      }
      // highlight.js escapes the text it re-renders, so the block stays text plus token spans
      for (const pre of el.querySelectorAll<HTMLElement>('pre')) {
        if (pre.dataset.highlighted) continue
        if (pre.textContent && pre.textContent.length <= 20_000) hljs.highlightElement(pre)
      }
      for (const a of el.querySelectorAll<HTMLAnchorElement>('a[href]')) {
        let url: URL | null = null
        try {
          url = new URL(a.href, location.href)
        } catch {
          url = null
        }
        if (url && url.origin === location.origin) continue
        a.target = '_blank'
        a.rel = 'noopener noreferrer nofollow'
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [html, meId],
  )
  return (
    <div
      ref={ref}
      className={className}
      dir="auto"
      data-testid="message-body"
      onClick={(e) => {
        const a = (e.target as HTMLElement).closest('a')
        if (!a || e.metaKey || e.ctrlKey || e.shiftKey) return
        const url = new URL(a.href, location.href)
        if (url.origin === location.origin) {
          e.preventDefault()
          navigate(url.pathname + url.search)
        }
      }}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  )
}

function groupBoosts(boosts: Boost[] | undefined) {
  const groups = new Map<string, Boost[]>()
  for (const b of boosts ?? []) {
    const list = groups.get(b.content) ?? []
    list.push(b)
    groups.set(b.content, list)
  }
  return [...groups.entries()]
}

export function BoostPicker({ onPick, onClose }: { onPick: (content: string) => void; onClose: () => void }) {
  const [text, setText] = useState('')
  const tooLong = Array.from(text.trim()).length > 16
  return (
    <div className="boost-picker" role="dialog" aria-label="Boost" data-testid="boost-picker" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="boost-picker__quick">
        {QUICK_BOOSTS.map((e) => (
          <button key={e} type="button" className="boost-picker__emoji" onClick={() => onPick(e)} aria-label={`Boost ${e}`} data-testid="boost-quick">
            {e}
          </button>
        ))}
      </div>
      <form
        className="boost-picker__form"
        onSubmit={(ev) => {
          ev.preventDefault()
          const v = text.trim()
          if (v && !tooLong) onPick(v)
        }}
      >
        <input
          className="input input--small"
          placeholder="Or type a boost"
          aria-label="Custom boost"
          value={text}
          autoFocus
          onChange={(e) => setText(e.target.value)}
          data-testid="boost-text"
        />
        <button className="button button--small" type="submit" disabled={!text.trim() || tooLong} data-testid="boost-submit">
          Boost
        </button>
      </form>
    </div>
  )
}

export interface MessageActions {
  onEdit: (m: Message) => void
  onDelete: (m: Message) => void
  onBoost: (m: Message, content: string) => void
  onUnboost: (b: Boost) => void
  onPlay: (sound: string) => void
}

export const MessageItem = memo(function MessageItem({
  message: m,
  continued,
  me,
  canModerate,
  highlighted,
  soundText,
  actions,
  author,
  fileToken,
}: {
  fileToken: string
  message: Message
  continued: boolean
  me: User
  canModerate: boolean
  highlighted: boolean
  soundText?: string
  actions: MessageActions
  author?: User
}) {
  const [picker, setPicker] = useState(false)
  const created = parseDate(m.created)
  const creator = m.expand?.creator ?? author ?? { id: m.creator, name: 'Someone' }
  const mine = m.creator === me.id
  const emoji = m.kind === 'text' && isEmojiOnly(m.plain)
  const edited = m.updated && m.created && parseDate(m.updated).getTime() - created.getTime() > 1000 && m.kind === 'text'
  const permalink = `/rooms/${m.room}/@${m.number}`
  return (
    <article
      className={`message ${continued ? 'message--continued' : ''} ${highlighted ? 'message--highlight' : ''} ${mine ? 'message--mine' : ''}`}
      data-testid="message"
      data-message-id={m.id}
      data-number={m.number}
      data-client-id={m.client_message_id}
      data-highlighted={highlighted ? 'true' : undefined}
      data-state="sent"
      id={`message-${m.number}`}
    >
      <div className="message__gutter">
        {continued ? (
          <time className="message__time message__time--gutter" dateTime={created.toISOString()} title={fullLabel(created)}>
            {timeLabel(created)}
          </time>
        ) : (
          <Link to={`/users/${creator.id}`} className="message__avatar-link" aria-label={`${creator.name}’s profile`} tabIndex={-1} data-testid="message-avatar">
            <Avatar user={{ ...creator, collectionId: creator.collectionId ?? author?.collectionId }} size={36} />
          </Link>
        )}
      </div>
      <div className="message__main">
        {!continued && (
          <header className="message__head">
            <Link
              to={`/users/${creator.id}`}
              className={`message__author ${author?.status === 'deactivated' ? 'message__author--left' : ''}`}
              data-testid="message-author"
            >
              {creator.name}
            </Link>
            {author?.role === 'bot' && <span className="tag tag--bot">BOT</span>}
            {author?.status === 'deactivated' && <span className="tag">left</span>}
            <a
              className="message__time"
              href={permalink}
              onClick={(e) => {
                e.preventDefault()
                navigate(permalink)
              }}
              title={fullLabel(created)}
            >
              <time dateTime={created.toISOString()}>{timeLabel(created)}</time>
            </a>
          </header>
        )}
        {m.kind === 'sound' ? (
          <div className="message__sound" data-testid="sound-message" data-sound={m.sound}>
            <button type="button" className="sound-button" onClick={() => m.sound && actions.onPlay(m.sound)} aria-label={`Play ${m.sound}`} data-testid="play-sound">
              <IconPlay />
            </button>
            <span className="message__sound-text">{soundText || m.plain || `/play ${m.sound}`}</span>
          </div>
        ) : m.kind === 'attachment' ? (
          <AttachmentView message={m} token={fileToken} />
        ) : (
          <Body html={m.body} meId={me.id} className={`message__body ${emoji ? 'message__body--emoji' : ''}`} />
        )}
        {m.preview_url && <PreviewCard message={m} token={fileToken} />}
        {edited && <span className="message__edited">(edited)</span>}
        {(m.boosts?.length ?? 0) > 0 && (
          <ul className="boosts" data-testid="boosts">
            {groupBoosts(m.boosts).map(([content, list]) => {
              const mineBoost = list.find((b) => b.booster.id === me.id)
              const who = list.map((b) => b.booster.name).join(', ')
              return (
                <li key={content}>
                  <button
                    type="button"
                    className={`boost ${mineBoost ? 'boost--mine' : ''}`}
                    title={mineBoost ? `${who} · click to remove yours` : who}
                    aria-label={`${content} by ${who}${mineBoost ? ', click to remove yours' : ''}`}
                    onClick={() => (mineBoost ? actions.onUnboost(mineBoost) : actions.onBoost(m, content))}
                    data-testid="boost"
                    data-content={content}
                    data-mine={mineBoost ? 'true' : 'false'}
                  >
                    <span className="boost__content">{content}</span>
                    <span className="boost__count" data-testid="boost-count">
                      {list.length}
                    </span>
                  </button>
                </li>
              )
            })}
          </ul>
        )}
      </div>
      <div className="message__actions" role="toolbar" aria-label="Message actions">
        <button type="button" className="icon-button icon-button--small" aria-label="Boost" title="Boost" onClick={() => setPicker((v) => !v)} data-testid="boost-button">
          <IconSmile />
        </button>
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label="Copy link"
          title="Copy link"
          onClick={() => void navigator.clipboard?.writeText(location.origin + permalink).catch(() => {})}
        >
          <IconLink />
        </button>
        {(mine || canModerate) && m.kind === 'text' && (
          <button type="button" className="icon-button icon-button--small" aria-label="Edit" title="Edit" onClick={() => actions.onEdit(m)} data-testid="edit-message">
            <IconPencil />
          </button>
        )}
        {(mine || canModerate) && (
          <button type="button" className="icon-button icon-button--small" aria-label="Delete" title="Delete" onClick={() => actions.onDelete(m)} data-testid="delete-message">
            <IconTrash />
          </button>
        )}
      </div>
      {picker && (
        <BoostPicker
          onClose={() => setPicker(false)}
          onPick={(content) => {
            setPicker(false)
            actions.onBoost(m, content)
          }}
        />
      )}
    </article>
  )
})

export function PendingItem({
  pending,
  me,
  continued,
  onRetry,
  progress,
  onCancel,
}: {
  pending: Pending
  me: User
  continued: boolean
  onRetry: (p: Pending) => void
  progress?: number
  onCancel?: (p: Pending) => void
}) {
  const created = parseDate(pending.created)
  return (
    <article
      className={`message message--pending ${continued ? 'message--continued' : ''} ${pending.status === 'failed' ? 'message--failed' : ''}`}
      data-testid="message"
      data-client-id={pending.client_message_id}
      data-state={pending.status}
    >
      <div className="message__gutter">{!continued && <Avatar user={me} size={36} />}</div>
      <div className="message__main">
        {!continued && (
          <header className="message__head">
            <span className="message__author">{me.name}</span>
            <span className="message__time">{timeLabel(created)}</span>
          </header>
        )}
        {pending.file ? (
          <>
            <PendingFile file={pending.file} />
            {pending.status === 'pending' && (
              <div className="upload-progress">
                <progress
                  className="upload-progress__bar"
                  max={1}
                  value={progress ?? 0}
                  aria-label={`Uploading ${pending.file.name}`}
                  data-testid="upload-progress"
                  data-progress={Math.round((progress ?? 0) * 100)}
                />
                <span className="upload-progress__pct">{Math.round((progress ?? 0) * 100)}%</span>
                {onCancel && (
                  <button type="button" className="button button--small" onClick={() => onCancel(pending)} data-testid="upload-cancel">
                    Cancel
                  </button>
                )}
              </div>
            )}
          </>
        ) : (
          <div className="message__body message__body--plain" dir="auto" data-testid="message-body">
            {pending.text ?? ''}
          </div>
        )}
        {pending.status === 'failed' ? (
          <div className="message__failed" role="alert">
            Not sent{pending.error ? `: ${pending.error}` : ''}.
            <button type="button" className="button button--small" onClick={() => onRetry(pending)} data-testid="retry">
              <IconRetry /> Retry
            </button>
            {pending.file && onCancel && (
              <button type="button" className="button button--small" onClick={() => onCancel(pending)} data-testid="upload-cancel">
                Cancel
              </button>
            )}
          </div>
        ) : pending.file ? null : (
          <span className="message__sending" data-testid="pending-indicator">
            Sending…
          </span>
        )}
      </div>
    </article>
  )
}
