import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {bannerHtml, nowPlayingTabHtml, safeColor, safeSeconds, type NowPlaying} from './html'

const DEFAULT_ACCENT = '#e11d48'
const MAX_SONG = 100

const nowPlaying = () => owncast.kv.getJSON<NowPlaying | null>('now-playing', null)

// From the manifest alone the host adds assets/theme.css, assets/now-playing.js and the static
// "Schedule" tab (assets/schedule.html). The handlers below fill in the rest, when the viewer page
// loads (Owncast's /api/config): the banner slot, the "Now playing" tab and the settings-driven
// styles and script.
definePlugin({
  /** The extraPageContent slot declared as {"slug": "banner"}. */
  onPageContent() {
    return bannerHtml(nowPlaying())
  },

  /** Tabs declared without `content`: this one is built per viewer. */
  onTabContent(req) {
    if (req.slug !== 'now-playing') return ''
    return nowPlayingTabHtml(nowPlaying(), req.user)
  },

  /** CSS after the manifest's styles, once per page load: the accent colour from the settings. */
  onPageStyles() {
    return `:root { --ui-demo-accent: ${safeColor(owncast.config.get('accent'), DEFAULT_ACCENT)}; }`
  },

  /** JavaScript after the manifest's scripts (wrapped in try/catch by the host): the poll interval. */
  onPageScripts() {
    return `window.uiDemo = Object.freeze({pollSeconds: ${safeSeconds(owncast.config.get('pollSeconds'))}});`
  },

  /** What the page's script polls. */
  onHttpRequest(req) {
    if (req.path !== '/now-playing' || req.method !== 'GET') return {status: 404}
    return {status: 200, headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'}, body: JSON.stringify(nowPlaying() ?? {song: null})}
  },

  commands: {
    np: {
      description: 'What is playing',
      aliases: ['song'],
      run(ctx) {
        const np = nowPlaying()
        ctx.reply(np ? `Now playing: ${np.song}` : 'Nothing is playing right now.')
      },
    },
    setsong: {
      description: 'Set the song on the banner',
      usage: '!setsong <title>',
      modOnly: true,
      run(ctx) {
        const song = ctx.argString.trim()
        if (song === '' || song.length > MAX_SONG) return ctx.reply(`Usage: !setsong <title, at most ${MAX_SONG} characters>`)
        owncast.kv.setJSON('now-playing', {song, by: ctx.user?.displayName ?? 'a moderator', since: ctx.msg.timestamp} satisfies NowPlaying)
        ctx.reply(`Now playing: ${song}`)
      },
    },
  },
})
