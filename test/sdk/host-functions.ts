// The production host functions (namespace extism:host/user) with their signatures, as listed in
// the project's conformance data (production-host-functions.json). The fake host used by the SDK
// tests accepts exactly these names and argument kinds, like the glue's __ocHost does.

export type ParamKind = "PTR" | "I64";

export interface HostFunctionSignature {
  params: ParamKind[];
  result: ParamKind | null;
  permission: string;
}

export const HOST_FUNCTIONS: Record<string, HostFunctionSignature> = {
  owncast_kv_get: { params: ["PTR"], result: "PTR", permission: "storage.kv" },
  owncast_kv_set: { params: ["PTR", "PTR"], result: null, permission: "storage.kv" },
  owncast_send_chat: { params: ["PTR"], result: null, permission: "chat.send" },
  owncast_send_chat_action: { params: ["PTR"], result: null, permission: "chat.send" },
  owncast_send_chat_system: { params: ["PTR"], result: null, permission: "chat.send" },
  owncast_send_chat_to: { params: ["I64", "PTR"], result: null, permission: "chat.send" },
  owncast_emit_event: { params: ["PTR", "PTR"], result: null, permission: "events.emit" },
  owncast_stream_current: { params: [], result: "PTR", permission: "server.read" },
  owncast_server_info: { params: [], result: "PTR", permission: "server.read" },
  owncast_server_socials: { params: [], result: "PTR", permission: "server.read" },
  owncast_server_emotes: { params: [], result: "PTR", permission: "server.read" },
  owncast_server_federation: { params: [], result: "PTR", permission: "server.read" },
  owncast_stream_broadcaster: { params: [], result: "PTR", permission: "server.read" },
  owncast_server_tags: { params: [], result: "PTR", permission: "server.read" },
  owncast_chat_history: { params: ["I64"], result: "PTR", permission: "chat.history" },
  owncast_delete_message: { params: ["PTR"], result: null, permission: "chat.moderate" },
  owncast_kick_client: { params: ["I64"], result: null, permission: "chat.moderate" },
  owncast_notify_discord: { params: ["PTR"], result: null, permission: "notifications.send" },
  owncast_notify_browser_push: { params: ["PTR"], result: null, permission: "notifications.send" },
  owncast_notify_fediverse: { params: ["PTR"], result: null, permission: "notifications.send" },
  owncast_chat_clients: { params: [], result: "PTR", permission: "chat.history" },
  owncast_users_list: { params: [], result: "PTR", permission: "users.read" },
  owncast_user_get: { params: ["PTR"], result: "PTR", permission: "users.read" },
  owncast_users_register: { params: ["PTR"], result: "PTR", permission: "users.register" },
  owncast_auth_grant_session: { params: ["PTR"], result: "PTR", permission: "auth.gate" },
  owncast_auth_end_session: { params: [], result: null, permission: "auth.gate" },
  owncast_user_set_enabled: { params: ["PTR", "I64", "PTR"], result: null, permission: "users.moderate" },
  owncast_ban_ip: { params: ["PTR"], result: null, permission: "users.moderate" },
  owncast_storage_upload: { params: ["PTR", "PTR"], result: "PTR", permission: "storage.upload" },
  owncast_fs_read: { params: ["PTR"], result: "PTR", permission: "storage.fs" },
  owncast_fs_write: { params: ["PTR", "PTR"], result: "PTR", permission: "storage.fs" },
  owncast_fs_list: { params: ["PTR"], result: "PTR", permission: "storage.fs" },
  owncast_fs_delete: { params: ["PTR"], result: "PTR", permission: "storage.fs" },
  owncast_fs_exists: { params: ["PTR"], result: "I64", permission: "storage.fs" },
  owncast_fediverse_post: { params: ["PTR"], result: "PTR", permission: "fediverse.post" },
  owncast_sse_send: { params: ["PTR", "PTR", "PTR"], result: null, permission: "http.sse" },
  owncast_timer_set: { params: ["I64", "I64", "I64"], result: "I64", permission: "" },
  owncast_timer_clear: { params: ["I64"], result: null, permission: "" },
  owncast_config_get: { params: ["PTR"], result: "PTR", permission: "" },
  owncast_asset_read: { params: ["PTR"], result: "PTR", permission: "" },
  owncast_add_actions: { params: ["PTR"], result: null, permission: "ui.modify" },
  owncast_clear_actions: { params: [], result: null, permission: "ui.modify" },
  owncast_video_config_read: { params: [], result: "PTR", permission: "videoconfig.read" },
  owncast_video_config_write: { params: ["PTR"], result: "PTR", permission: "videoconfig.write" },
  owncast_log_info: { params: ["PTR"], result: null, permission: "" },
  owncast_log_warning: { params: ["PTR"], result: null, permission: "" },
  owncast_log_error: { params: ["PTR"], result: null, permission: "" },
  owncast_sql_exec: { params: ["PTR"], result: "PTR", permission: "storage.sql" },
  owncast_sql_query: { params: ["PTR"], result: "PTR", permission: "storage.sql" },
};
