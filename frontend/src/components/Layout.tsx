import { useEffect, useState } from 'react'
import type { Route } from '../router'
import { navigate, Redirect } from '../router'
import { useWorkspace } from '../store/workspace'
import { Sidebar } from './Sidebar'
import { RoomView } from './RoomView'
import { SearchPage } from './SearchPage'
import { SettingsPage } from './Settings'
import { UserPage } from './UserPage'
import { pb } from '../pb'
import type { Message } from '../types'
import { IconMenu } from './Icons'

const LAST_ROOM_KEY = 'campfire:lastRoom'

/** Links by message id (bots, webhooks): find the message's number, then open the permalink. */
function MessageIdRedirect({ roomId, messageId }: { roomId: string; messageId: string }) {
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    pb.collection('messages')
      .getOne<Message>(messageId)
      .then((m) => navigate(`/rooms/${m.room}/@${m.number}`, { replace: true }))
      .catch(() => setFailed(true))
  }, [messageId])
  if (failed) return <Redirect to={`/rooms/${roomId}`} />
  return <div className="empty" aria-busy="true" />
}

function Home() {
  const ws = useWorkspace()
  const [waited, setWaited] = useState(false)
  useEffect(() => {
    const t = window.setTimeout(() => setWaited(true), 3000)
    return () => window.clearTimeout(t)
  }, [])
  const visible = ws.memberships.filter((m) => m.involvement !== 'invisible')
  const last = localStorage.getItem(LAST_ROOM_KEY)
  const target =
    visible.find((m) => m.room === last) ??
    visible.find((m) => m.expand?.room?.name === 'All Talk') ??
    visible.find((m) => m.expand?.room?.kind !== 'direct') ??
    visible[0]
  if (target) return <Redirect to={`/rooms/${target.room}`} />
  return (
    <div className="empty" data-testid="no-rooms">
      {waited || ws.memberships.length > 0 ? <p>No rooms yet. Create one with the + button.</p> : null}
    </div>
  )
}

export function Layout({ route }: { route: Route }) {
  const ws = useWorkspace()
  const [drawer, setDrawer] = useState(false)
  const roomId = route.name === 'room' ? route.id : null

  useEffect(() => {
    ws.setOpenRoomId(roomId)
    if (roomId) localStorage.setItem(LAST_ROOM_KEY, roomId)
    setDrawer(false)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [roomId, route.name])

  let main
  switch (route.name) {
    case 'room':
      main = route.messageId ? (
        <MessageIdRedirect roomId={route.id} messageId={route.messageId} />
      ) : (
        <RoomView key={route.id} roomId={route.id} number={route.number} onMenu={() => setDrawer(true)} />
      )
      break
    case 'settings':
      main = <SettingsPage tab={route.tab} onMenu={() => setDrawer(true)} />
      break
    case 'user':
      main = <UserPage key={route.id} id={route.id} onMenu={() => setDrawer(true)} />
      break
    case 'search':
      main = <SearchPage key={route.q} q={route.q} onMenu={() => setDrawer(true)} />
      break
    case 'home':
      main = <Home />
      break
    default:
      main = (
        <div className="empty">
          <p>Nothing here.</p>
          <button className="button" onClick={() => navigate('/')}>
            Go home
          </button>
        </div>
      )
  }

  return (
    <div className={`layout ${drawer ? 'layout--drawer' : ''}`}>
      <Sidebar currentRoomId={roomId} onClose={() => setDrawer(false)} />
      {drawer && <div className="layout__scrim" onClick={() => setDrawer(false)} aria-hidden="true" />}
      <div className="layout__main">
        {!ws.connected && (
          <div className="banner" role="status" data-testid="offline-banner">
            Reconnecting…
          </div>
        )}
        {route.name === 'home' && (
          <button className="icon-button layout__menu" aria-label="Open menu" onClick={() => setDrawer(true)}>
            <IconMenu />
          </button>
        )}
        {main}
      </div>
    </div>
  )
}
