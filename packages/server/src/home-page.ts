import type { Config } from './config.js';

/** The page at `/`: how to connect clients. The web interface of SPEC §3 is not built yet. */
export function homePage(_config: Config): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partage</title></head>
<body>
<h1>Partage</h1>
<p>This server shares files, calendars and address books over WebDAV, CalDAV and CardDAV.</p>
<ul>
<li>Files: <code>/webdav/&lt;your email&gt;/Documents/</code> (Windows "Map network drive", Finder "Connect to server", davfs2, rclone)</li>
<li>Calendars and contacts: enter this server's address in your client; discovery uses <code>/.well-known/caldav</code> and <code>/.well-known/carddav</code>.</li>
</ul>
</body></html>
`;
}
