export type RoomKind = 'open' | 'closed' | 'direct'
export type Involvement = 'invisible' | 'nothing' | 'mentions' | 'everything'
export type Role = 'member' | 'administrator' | 'bot'

export interface User {
  id: string
  collectionId?: string
  name: string
  avatar?: string
  bio?: string
  role?: Role
  status?: string
  email?: string
}

export interface UserRef {
  id: string
  name: string
  avatar?: string
  collectionId?: string
}

export interface Room {
  id: string
  name: string
  kind: RoomKind
  creator?: string
  last_message_at?: string
  direct_key?: string
}

export interface Membership {
  id: string
  room: string
  user: string
  involvement: Involvement
  unread_at: string
  expand?: { room?: Room }
}

export interface Boost {
  id: string
  message: string
  content: string
  booster: { id: string; name: string }
}

export type MessageKind = 'text' | 'sound' | 'attachment'

export interface Message {
  id: string
  collectionId?: string
  room: string
  creator: string
  body: string
  plain?: string
  client_message_id: string
  kind: MessageKind
  sound?: string
  attachment?: string
  mentions?: string[]
  number: number
  seq: number
  deleted_at?: string
  created: string
  updated?: string
  expand?: { creator?: UserRef }
  boosts?: Boost[]
  snippet?: string
  attachment_name?: string
  attachment_size?: number
  attachment_type?: string
  attachment_width?: number
  attachment_height?: number
  attachment_url?: string
  thumb_url?: string
  preview_url?: string
  preview_title?: string
  preview_description?: string
  preview_image?: string
  preview_image_url?: string
}

export interface Account {
  id: string
  collectionId?: string
  name: string
  logo?: string
  join_code?: string
  custom_styles?: string
  restrict_room_creation?: boolean
}

export interface Status {
  setup_required: boolean
  account?: { name: string; logo_url?: string }
  version?: string
  vapid_public_key?: string
  upload_limit?: number
}

export interface HistoryPage {
  items: Message[]
  has_more: boolean
}

export interface ChangesPage {
  messages: Message[]
  deleted: string[]
  seq: number
  has_more?: boolean
}

export interface Member {
  id: string
  name: string
  avatar?: string
  role?: Role
  present?: boolean
  collectionId?: string
}

export interface Sound {
  name: string
  text?: string
  url?: string
  image?: string
}

export type RoomEvent =
  | { type: 'message.created' | 'message.updated'; room: string; seq: number; message: Message }
  | { type: 'message.deleted'; room: string; seq: number; message: { id: string } }
  | { type: 'boost.created'; room: string; seq: number; boost: Boost }
  | { type: 'boost.deleted'; room: string; seq: number; boost: { id: string; message: string } }
  | { type: 'typing'; room: string; user: { id: string; name: string }; typing: boolean }
  | { type: 'presence'; room: string; user: { id: string; name: string }; present: boolean }

export interface UserEvent {
  type: 'room.unread' | 'room.read' | 'room.created' | 'room.updated' | 'room.deleted'
  room: Room
}
